import { InputError } from '../../engine/errors';
import type { CliCommand } from '../context';

// Placeholder until this command lands.
export const lensCommand: CliCommand = async () => {
  throw new InputError('tensorloupe lens is not built yet.');
};
