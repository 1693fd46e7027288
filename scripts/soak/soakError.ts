/** A soak that could not finish: the stack died, a phase overran its bound, or it was interrupted. */
export class SoakError extends Error {
  override readonly name = 'SoakError';
}
