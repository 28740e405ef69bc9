import { InputError } from '../../engine/errors';
import type { CliCommand } from '../context';

// Placeholder until this command lands.
export const activationsCommand: CliCommand = async () => {
  throw new InputError('tensorloupe activations is not built yet.');
};
