// Suppression rules for the maintenance page: list, create, change (including enable/disable) and
// delete, each write audited. The worker reads them through listSuppressionRules.
import type { Prisma } from "@prisma/client";
import type { SuppressionRuleView, UserRef } from "../alerts/settings-views";
import { applySuppressionRulePatch, type SuppressionRulePatch } from "../alerts/suppression-rule-patch";
import { SUPPRESSION_PATTERN_FIELDS, type SuppressionRuleInput } from "../alerts/suppression-rules";
import { recordAudit } from "./audit-queries";
import type { DbClient } from "./client";
import { inTransaction } from "./in-transaction";
import { userRefs } from "./user-refs";


// SuppressionRule has no relation to User in the schema; the creator's name is looked up separately.
type RuleRow = Prisma.SuppressionRuleGetPayload<object>;

function toRuleView(row: RuleRow, users: ReadonlyMap<number, UserRef>): SuppressionRuleView {
  return {
    id: row.id,
    device: row.device,
    site: row.site,
    role: row.role,
    detector: row.detector,
    type: row.type,
    metric: row.metric,
    reason: row.reason,
    enabled: row.enabled,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    createdBy: row.createdById === null ? null : (users.get(row.createdById) ?? null),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}


/** The stored columns of a rule from validated input (patterns left out are stored as null). */
function ruleData(input: SuppressionRuleInput) {
  const data: Record<(typeof SUPPRESSION_PATTERN_FIELDS)[number], string | null> = {
    device: null,
    site: null,
    role: null,
    detector: null,
    type: null,
    metric: null,
  };
  for (const f of SUPPRESSION_PATTERN_FIELDS) data[f] = input[f] ?? null;
  return { ...data, reason: input.reason, enabled: input.enabled, expiresAt: input.expiresAt ?? null };
}

function audited(row: RuleRow) {
  const { id: _id, createdAt: _c, updatedAt: _u, createdById: _b, ...rest } = row;
  return rest;
}

/** Every rule in the order the worker applies them (oldest first). */
export async function listSuppressionRuleViews(db: DbClient): Promise<SuppressionRuleView[]> {
  const rows = await db.suppressionRule.findMany({ orderBy: { id: "asc" } });
  const users = await userRefs(db, rows.map((r) => r.createdById));
  return rows.map((r) => toRuleView(r, users));
}

export async function createSuppressionRule(db: DbClient, input: SuppressionRuleInput, actorId: number | null): Promise<SuppressionRuleView> {
  return inTransaction(db, async (tx) => {
    const row = await tx.suppressionRule.create({ data: { ...ruleData(input), createdById: actorId } });
    await recordAudit(tx, { actorId, action: "suppression_rule.create", entityType: "suppression_rule", entityId: row.id, after: audited(row) });
    return toRuleView(row, await userRefs(tx, [row.createdById]));
  });
}

/** Applies `patch` and validates the merged rule; null when there is no such rule. */
export async function updateSuppressionRule(
  db: DbClient,
  id: number,
  patch: SuppressionRulePatch,
  actorId: number | null,
): Promise<SuppressionRuleView | null> {
  return inTransaction(db, async (tx) => {
    const before = await tx.suppressionRule.findUnique({ where: { id } });
    if (!before) return null;
    const merged = applySuppressionRulePatch(before, patch);
    const row = await tx.suppressionRule.update({ where: { id }, data: ruleData(merged) });
    await recordAudit(tx, {
      actorId,
      action: "suppression_rule.update",
      entityType: "suppression_rule",
      entityId: id,
      before: audited(before),
      after: audited(row),
    });
    return toRuleView(row, await userRefs(tx, [row.createdById]));
  });
}

export async function deleteSuppressionRule(db: DbClient, id: number, actorId: number | null): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const before = await tx.suppressionRule.findUnique({ where: { id } });
    if (!before) return false;
    await tx.suppressionRule.delete({ where: { id } });
    await recordAudit(tx, { actorId, action: "suppression_rule.delete", entityType: "suppression_rule", entityId: id, before: audited(before) });
    return true;
  });
}
