import type { Principal } from '../domain/principal';

/** Turns a bearer token into the verified caller, or throws UnauthenticatedError. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}
export const TokenVerifier = Symbol.for('TokenVerifier');
