/**
 * Whether a single-letter shortcut must leave this key alone: the user is typing in a field, or (with
 * `controls`) working a button or link, whose own keys (Enter, Space) win.
 */
export function ownsKeys(target: EventTarget | null, { controls = false }: { controls?: boolean } = {}): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tags = controls ? ["INPUT", "SELECT", "TEXTAREA", "BUTTON", "A"] : ["INPUT", "SELECT", "TEXTAREA"];
  return target.isContentEditable || tags.includes(target.tagName);
}
