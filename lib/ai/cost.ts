// What a call cost, from the usage the API reports. Prices in USD per million tokens; prompt-cache
// writes (5-minute) cost 1.25× input and cache reads 0.1× input, as Anthropic publishes them.
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

// By model family prefix, longest match first; a model no entry matches is priced at the dearest
// entry, so an unknown model can only make the budget stricter.
const PRICES: readonly (readonly [prefix: string, price: ModelPrice])[] = [
  ["claude-opus-4-1", { inputPerMTok: 15, outputPerMTok: 75 }],
  ["claude-opus-4-0", { inputPerMTok: 15, outputPerMTok: 75 }],
  ["claude-opus", { inputPerMTok: 5, outputPerMTok: 25 }],
  ["claude-sonnet", { inputPerMTok: 3, outputPerMTok: 15 }],
  ["claude-haiku-3", { inputPerMTok: 0.25, outputPerMTok: 1.25 }],
  ["claude-haiku", { inputPerMTok: 1, outputPerMTok: 5 }],
  ["claude-mythos", { inputPerMTok: 25, outputPerMTok: 125 }],
];

const DEAREST: ModelPrice = PRICES.reduce<ModelPrice>((a, [, p]) => (p.outputPerMTok > a.outputPerMTok ? p : a), { inputPerMTok: 0, outputPerMTok: 0 });

export function priceOf(model: string): { price: ModelPrice; known: boolean } {
  const hit = [...PRICES].sort((a, b) => b[0].length - a[0].length).find(([prefix]) => model.startsWith(prefix));
  return hit ? { price: hit[1], known: true } : { price: DEAREST, known: false };
}

export function costUsd(model: string, usage: TokenUsage): number {
  const { price } = priceOf(model);
  const perTok = (perMTok: number) => perMTok / 1_000_000;
  return (
    usage.inputTokens * perTok(price.inputPerMTok) +
    usage.cacheWriteTokens * perTok(price.inputPerMTok * 1.25) +
    usage.cacheReadTokens * perTok(price.inputPerMTok * 0.1) +
    usage.outputTokens * perTok(price.outputPerMTok)
  );
}

/** The most a call can cost before it is made: its prompt (counted at 3 characters a token, on the high side) and a full reply. */
export function worstCaseCostUsd(model: string, promptChars: number, maxOutputTokens: number): number {
  return costUsd(model, { inputTokens: Math.ceil(promptChars / 3), outputTokens: maxOutputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 });
}
