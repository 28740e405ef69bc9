import { InputError } from '../../engine/errors';
import type { CliCommand } from '../context';

// Placeholder until this command lands.
export const inductionCommand: CliCommand = async () => {
  throw new InputError('tensorloupe induction is not built yet.');
};
