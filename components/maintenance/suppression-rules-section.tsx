"use client";
// Suppression rules: glob patterns (* and ?) under which matching alerts are recorded as suppressed.
// Admins create, enable/disable and delete them; everyone else sees them.
import { useId, useState, type FormEvent } from "react";
import { SUPPRESSION_PATTERN_FIELDS, type SuppressionPatternField } from "@/lib/alerts/suppression-rules";
import type { SuppressionRuleView } from "@/lib/alerts/settings-views";
import { ApiError } from "@/components/api/api-error";
import { asSentence } from "@/components/ui/as-sentence";
import { ConfirmDelete } from "@/components/ui/confirm-delete";
import { formatFullTime } from "@/components/ui/format-time";
import { QueryList } from "@/components/ui/query-list";
import { useCreateRule, useDeleteRow, useSuppressionRules, useToggleRule, type RuleBody } from "./use-maintenance-data";

const FIELD_LABELS: Record<SuppressionPatternField, { label: string; example: string }> = {
  device: { label: "Device", example: "scanner-*" },
  site: { label: "Site", example: "ams?" },
  role: { label: "Role", example: "server" },
  detector: { label: "Detector", example: "flow-port-scan" },
  type: { label: "Alert type", example: "port_scan" },
  metric: { label: "Metric", example: "distinct*" },
};

function patternsOf(rule: SuppressionRuleView): string {
  return SUPPRESSION_PATTERN_FIELDS.flatMap((f) => (rule[f] ? [`${FIELD_LABELS[f].label.toLowerCase()} ${rule[f]}`] : [])).join(" · ");
}

export function SuppressionRulesSection({ canManage }: { canManage: boolean }) {
  const rules = useSuppressionRules();
  const toggle = useToggleRule();
  const remove = useDeleteRow("rules");

  return (
    <section className="panel" aria-labelledby="rules-heading">
      <div className="panel-header">
        <h2 id="rules-heading">Suppression rules</h2>
        {rules.data ? <span className="faint">{rules.data.length === 1 ? "1 rule" : `${rules.data.length} rules`}</span> : null}
      </div>
      <div className="panel-body stack">
        <p className="muted">
          An alert matching every pattern of an enabled rule is recorded as suppressed, not raised. Patterns match whole values, case-insensitively;
          <code>*</code> is any run of characters and <code>?</code> exactly one.
        </p>
        <QueryList
          query={rules}
          what="the suppression rules"
          empty={
            <>
              <strong>No suppression rules.</strong>
              <span>
                {canManage
                  ? "Add one below for known noise, e.g. device scanner-* with type port_scan for your vulnerability scanner."
                  : "Admins add rules for known noise; they will show here."}
              </span>
            </>
          }
        >
          {(items) => (
            <div className="table-wrap">
              <table className="alert-table" data-testid="suppression-rule-list">
                <thead>
                  <tr>
                    <th scope="col">Matches</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Expires</th>
                    <th scope="col">State</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((r) => (
                    <tr key={r.id} data-rule-id={r.id}>
                      <td className="mono">{patternsOf(r)}</td>
                      <td>{r.reason}</td>
                      <td className="muted">{r.expiresAt ? formatFullTime(r.expiresAt) : "Never"}</td>
                      <td>
                        <span className="badge status-badge" data-state={r.enabled ? "enabled" : "disabled"}>
                          {r.enabled ? "enabled" : "disabled"}
                        </span>
                      </td>
                      <td className="settings-row-actions">
                        <button
                          type="button"
                          className="button button-small"
                          disabled={!canManage || (toggle.isPending && toggle.variables?.id === r.id)}
                          onClick={() => toggle.mutate({ id: r.id, enabled: !r.enabled })}
                          aria-label={`${r.enabled ? "Disable" : "Enable"} the rule “${r.reason}”`}
                        >
                          {r.enabled ? "Disable" : "Enable"}
                        </button>
                        <ConfirmDelete what={`the rule “${r.reason}”`} disabled={!canManage} onConfirm={() => remove.mutateAsync(r.id)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryList>
        {toggle.isError ? (
          <p className="form-error" role="alert">
            Could not change the rule: {asSentence(toggle.error.message)}
          </p>
        ) : null}
        <NewRuleForm canManage={canManage} />
      </div>
    </section>
  );
}

function NewRuleForm({ canManage }: { canManage: boolean }) {
  const id = useId();
  const create = useCreateRule();
  const [patterns, setPatterns] = useState<Partial<Record<SuppressionPatternField, string>>>({});
  const [reason, setReason] = useState("");
  const [expires, setExpires] = useState("");
  const [clientError, setClientError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const touch = () => {
    setSaved(null);
    setClientError(null);
    if (create.isError) create.reset();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!canManage || create.isPending) return;
    const body: RuleBody = { reason: reason.trim() };
    for (const f of SUPPRESSION_PATTERN_FIELDS) {
      const v = patterns[f]?.trim();
      if (v) body[f] = v;
    }
    if (SUPPRESSION_PATTERN_FIELDS.every((f) => body[f] === undefined)) {
      return setClientError("Fill in at least one pattern: a rule that matches everything would hide every alert.");
    }
    if (!body.reason) return setClientError("Enter a reason, so others know why these alerts are hidden.");
    if (expires) {
      const at = new Date(expires);
      if (Number.isNaN(at.getTime())) return setClientError("Enter a valid expiry time, or leave it empty.");
      body.expiresAt = at.toISOString();
    }
    create.mutate(body, {
      onSuccess: (rule) => {
        setSaved(`Added the rule “${rule.reason}”.`);
        setPatterns({});
        setReason("");
        setExpires("");
      },
    });
  };

  const serverError = create.error;
  const field = serverError instanceof ApiError ? serverError.field : undefined;
  return (
    <form className="settings-form settings-subform" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Add a rule</h3>
      <fieldset disabled={!canManage} className="settings-fieldset">
        {!canManage ? <p className="muted settings-wide">Only admins can add or change suppression rules.</p> : null}
        {SUPPRESSION_PATTERN_FIELDS.map((f) => (
          <div className="field" key={f}>
            <label htmlFor={`${id}-${f}`}>{FIELD_LABELS[f].label} pattern</label>
            <input
              id={`${id}-${f}`}
              className="input mono"
              value={patterns[f] ?? ""}
              maxLength={200}
              placeholder={`e.g. ${FIELD_LABELS[f].example}`}
              onChange={(e) => {
                touch();
                setPatterns((p) => ({ ...p, [f]: e.target.value }));
              }}
              aria-invalid={field === f ? true : undefined}
            />
          </div>
        ))}
        <div className="field settings-wide">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <input
            id={`${id}-reason`}
            className="input"
            value={reason}
            maxLength={500}
            placeholder="e.g. our vulnerability scanner"
            onChange={(e) => {
              touch();
              setReason(e.target.value);
            }}
            aria-invalid={field === "reason" ? true : undefined}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-expires`}>Expires (optional, your time)</label>
          <input
            id={`${id}-expires`}
            className="input"
            type="datetime-local"
            value={expires}
            onChange={(e) => {
              touch();
              setExpires(e.target.value);
            }}
            aria-invalid={field === "expiresAt" ? true : undefined}
          />
        </div>
        <div className="settings-actions settings-wide">
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add rule"}
          </button>
        </div>
      </fieldset>
      {clientError || serverError ? (
        <p className="form-error" role="alert">
          {clientError ?? `Could not add the rule: ${asSentence(serverError!.message)}`}
        </p>
      ) : null}
      {saved ? (
        <p className="settings-saved" role="status">
          {saved} The worker applies it within 30 seconds.
        </p>
      ) : null}
    </form>
  );
}
