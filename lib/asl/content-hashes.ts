/**
 * Masks runs of 32 or more hex digits as `[HASH]`: a pinned Lambda version's logical id ends in
 * a hash of the function's code (`FnCurrentVersion<hash>`), which changes with every bundle of
 * the same handler while the state machine stays the same one.
 */
export function maskContentHashes(text: string): string {
  return text.replace(/[0-9a-f]{32,}/g, '[HASH]');
}
