// Which FAILURE_KEYWORDS a syslog message's text matches. The rules (case-insensitive throughout):
//
// - Whole words only: "down" matches "Interface down", "link-down", "went DOWN" but not "download",
//   "shutdown" or Cisco's "%LINK-3-UPDOWN" (which also heads the "changed state to up" messages).
// - "fail": any word starting with "fail" (fail, fails, failed, failing, failure(s), failover).
// - "error": error, errors, errored (not "errorless"-style compounds, not "err").
// - "unreachable": the word unreachable.
// - "timeout": timeout(s), time-out, time out, timed out, timedout.
// - "authentication failure": "authentication" or "auth" followed by a fail-word
//   ("Authentication failure", "authentication failed", "auth failures"). Those words count only as
//   "authentication failure", not also as a generic "fail": the specific keyword wins.
// - A match directly preceded by a negating word (no, not, 0, zero, without, never) does not count:
//   "0 errors", "no timeout", "did not fail". Only the one word before is considered.
//
// Each keyword is reported at most once per message, in FAILURE_KEYWORDS order.
import { FAILURE_KEYWORDS, type FailureKeyword } from "@/lib/telemetry/syslog-message";

// Letters/digits on either side of a match make it part of another word.
const W = "[\\p{L}\\p{N}]";
const before = `(?<!${W})`;
const after = `(?!${W})`;

const PATTERNS: ReadonlyArray<readonly [FailureKeyword, RegExp]> = [
  // Most specific first: its span is then unavailable to the generic "fail".
  ["authentication failure", new RegExp(`${before}auth(?:entication)?[\\s_-]+fail[\\p{L}]*${after}`, "giu")],
  ["down", new RegExp(`${before}down${after}`, "giu")],
  ["fail", new RegExp(`${before}fail[\\p{L}]*${after}`, "giu")],
  ["error", new RegExp(`${before}error(?:s|ed)?${after}`, "giu")],
  ["unreachable", new RegExp(`${before}unreachable${after}`, "giu")],
  ["timeout", new RegExp(`${before}(?:time[\\s-]?outs?|timed[\\s-]?out)${after}`, "giu")],
];

const NEGATION = /(?:^|[^\p{L}\p{N}])(?:no|not|0|zero|without|never)[\s:=-]+$/iu;

// Sanity check that every keyword has a pattern (and vice versa) — fails loudly at import.
for (const k of FAILURE_KEYWORDS) {
  if (!PATTERNS.some(([kw]) => kw === k)) throw new Error(`failure-keywords: no pattern for "${k}"`);
}

export function matchFailureKeywords(text: string): FailureKeyword[] {
  if (!text) return [];
  const found = new Set<FailureKeyword>();
  const taken: Array<[number, number]> = [];
  for (const [keyword, pattern] of PATTERNS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      // A negated match still claims its words ("no authentication failure" is no "fail" either).
      taken.push([start, end]);
      if (!NEGATION.test(text.slice(Math.max(0, start - 24), start))) found.add(keyword);
    }
  }
  return FAILURE_KEYWORDS.filter((k) => found.has(k));
}
