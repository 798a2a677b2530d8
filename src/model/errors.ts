// Errors of the model layer. Each sets `name`, so a library user can tell them apart by name as
// well as by class.

/** Text in the service or destination notation that does not parse. */
export class NotationError extends Error {
  override readonly name = 'NotationError';
  constructor(
    readonly text: string,
    reason: string,
  ) {
    super(`${JSON.stringify(text)}: ${reason}`);
  }
}
