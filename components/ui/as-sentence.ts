/** Ends a message with a full stop unless it already ends a sentence, so messages can be joined. */
export function asSentence(message: string): string {
  const text = message.trim();
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}
