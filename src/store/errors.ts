/** The database did not answer; the request may succeed when it is back. */
export class StoreUnavailableError extends Error {
  constructor(message = 'the database is unavailable; try again shortly') {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}
