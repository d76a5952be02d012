// The last step every issued document of the signing record passes through, in the worker
// after rendering: the one place where the electronic seal is applied (the "seal" part points
// it at its sealing function). Must stay deterministic: same bytes and time → same result.

export type FinishOptions = {
  /** Time of issue (the injected clock); a seal takes its signing time from here. */
  at: Date;
};

export async function finishDocument(bytes: Uint8Array, _options: FinishOptions): Promise<Uint8Array> {
  return bytes;
}
