import { createHash, randomFillSync, randomUUID } from 'node:crypto';

/**
 * The randomness of an execution: retry jitter, UUIDs, task tokens, `$random()`,
 * `States.MathRandom`. Seeded, the same seed gives the same sequence, so a run can be repeated.
 */
export interface RandomSource {
  /** A number in [0, 1). */
  next(): number;
  /** A version 4 UUID. */
  uuid(): string;
  /** `count` random bytes. */
  bytes(count: number): Buffer;
}

/**
 * A random source: seeded (reproducible) or, without a seed,
 * the platform's cryptographic generator.
 */
export function randomSource(seed?: string | number): RandomSource {
  if (seed === undefined) {
    return {
      next: () => pooledBytes(4).readUInt32BE(0) / 0x1_0000_0000,
      uuid: () => randomUUID(),
      bytes: (count) => pooledBytes(count),
    };
  }
  const next = seededGenerator(String(seed));
  const bytes = (count: number) => {
    const buffer = Buffer.alloc(count);
    for (let i = 0; i < count; i++) buffer[i] = Math.floor(next() * 256);
    return buffer;
  };
  return { next, uuid: () => formatUuid(bytes(16)), bytes };
}

/** A deterministic generator of numbers in [0, 1) for a seed: Marsaglia's xorshift128, seeded by SHA-256. */
export function seededGenerator(seed: string): () => number {
  const digest = createHash('sha256').update(seed).digest();
  let [x, y, z, w] = [0, 4, 8, 12].map((offset) => digest.readUInt32LE(offset) || 1);
  return () => {
    const t = x ^ (x << 11);
    [x, y, z] = [y, z, w];
    w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return w / 0x1_0000_0000;
  };
}

function formatUuid(bytes: Buffer): string {
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const POOL_SIZE = 8192;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** Cryptographically random bytes, drawn from a pool refilled in blocks (one system call per 8 KiB, not per token). */
function pooledBytes(count: number): Buffer {
  if (count > POOL_SIZE) return randomFillSync(Buffer.alloc(count));
  if (poolOffset + count > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + count));
  poolOffset += count;
  return bytes;
}
