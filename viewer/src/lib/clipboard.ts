/** Clipboard write as a typed result: the UI shows "copied" or says why it failed. */
export async function copyText(text: string): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    await navigator.clipboard.writeText(text);
    return { ok: true };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : 'clipboard unavailable' };
  }
}
