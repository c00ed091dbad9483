"use client";
// Apply a threshold: choose the scope (all devices, a role, a device), edit the detector's numeric
// settings (labelled inputs from its schema, with its bounds), see "what if" and the verdict curve
// for the main threshold as you type, and apply: an audited change the worker picks up within 30 s.
import { useId, useMemo, useState, type FormEvent } from "react";
import { resolveDetectorConfig, type DetectorOverride } from "@/lib/alerts/alert-thresholds";
import type { AuditEntryView, DetectorSettingsEntry } from "@/lib/alerts/settings-views";
import type { ConfigField } from "@/lib/detect/detector-catalog";
import type { DeviceSummary } from "@/lib/db/device-queries";
import { ApiError } from "@/components/api/api-error";
import { asSentence } from "@/components/ui/as-sentence";
import { LoadError } from "@/components/ui/load-error";
import { describeChange } from "./describe-change";
import { FeedbackCurveChart, formatThreshold } from "./feedback-curve-chart";
import type { TuningScope } from "./tuning-query-keys";
import { useDebouncedValue } from "./use-debounced-value";
import { useApplySetting, useFeedbackCurve, useWhatIf } from "./use-tuning-data";
import { WhatIfPanel } from "./what-if-panel";

type Scope = TuningScope["scope"];

const sameName = (a: string | null, b: string | null) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

/** Why `raw` is not an acceptable value of `field`, or null. */
export function fieldProblem(field: ConfigField, raw: string): string | null {
  if (raw.trim() === "") return "enter a number";
  const v = Number(raw);
  if (!Number.isFinite(v)) return "must be a number";
  if (field.type === "integer" && !Number.isInteger(v)) return "must be a whole number";
  if (field.minimum !== undefined && v < field.minimum) return `must be at least ${field.minimum}`;
  if (field.exclusiveMinimum !== undefined && v <= field.exclusiveMinimum) return `must be more than ${field.exclusiveMinimum}`;
  if (field.maximum !== undefined && v > field.maximum) return `must be at most ${field.maximum}`;
  if (field.exclusiveMaximum !== undefined && v >= field.exclusiveMaximum) return `must be less than ${field.exclusiveMaximum}`;
  return null;
}

function bounds(field: ConfigField): string {
  const lo = field.minimum !== undefined ? `≥ ${field.minimum}` : field.exclusiveMinimum !== undefined ? `> ${field.exclusiveMinimum}` : "";
  const hi = field.maximum !== undefined ? `≤ ${field.maximum}` : field.exclusiveMaximum !== undefined ? `< ${field.exclusiveMaximum}` : "";
  return [lo, hi].filter(Boolean).join(", ") + (field.type === "integer" ? (lo || hi ? ", whole" : "whole number") : "");
}

export function ThresholdTuner({
  entry,
  devices,
  canManage,
}: {
  entry: DetectorSettingsEntry;
  devices: readonly DeviceSummary[];
  canManage: boolean;
}) {
  const id = useId();
  const [scope, setScope] = useState<Scope>("global");
  const [target, setTarget] = useState<string>("");
  const roles = useMemo(() => [...new Set(devices.map((d) => d.role))].sort(), [devices]);
  const names = useMemo(() => devices.map((d) => d.name).sort(), [devices]);

  const chosenTarget = scope === "global" ? null : target || null;
  const existing = entry.overrides.find((o) => o.scope === scope && (scope === "global" || sameName(o.target, chosenTarget))) ?? null;
  const current = useMemo(() => {
    const device =
      scope === "global"
        ? { name: "", role: "" }
        : scope === "role"
          ? { name: "", role: chosenTarget ?? "" }
          : { name: chosenTarget ?? "", role: devices.find((d) => sameName(d.name, chosenTarget))?.role ?? "" };
    const overrides: DetectorOverride[] = entry.overrides.map((o) => ({ detector: o.detector, scope: o.scope, target: o.target, config: o.config }));
    return { ...entry.defaults, ...(resolveDetectorConfig(overrides, entry.id, device) ?? {}) };
  }, [entry, scope, chosenTarget, devices]);

  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <div className="panel-header">
        <h2 id={`${id}-heading`}>Apply a threshold</h2>
      </div>
      <div className="panel-body stack">
        {!canManage ? <p className="muted">Only admins can change detector settings; you can still try values and see what they would do.</p> : null}
        <div className="settings-form">
          <div className="settings-fieldset">
            <div className="field">
              <label htmlFor={`${id}-scope`}>Applies to</label>
              <select
                id={`${id}-scope`}
                className="input"
                value={scope}
                onChange={(e) => {
                  setScope(e.target.value as Scope);
                  setTarget("");
                }}
              >
                <option value="global">All devices</option>
                <option value="role">A role</option>
                <option value="device">A device</option>
              </select>
            </div>
            {scope !== "global" ? (
              <div className="field">
                <label htmlFor={`${id}-target`}>{scope === "role" ? "Role" : "Device"}</label>
                <select id={`${id}-target`} className="input" value={target} onChange={(e) => setTarget(e.target.value)}>
                  <option value="">Choose a {scope}…</option>
                  {(scope === "role" ? roles : names).map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
          </div>
        </div>
        {scope !== "global" && !chosenTarget ? (
          <p className="muted">Choose the {scope} to tune; its settings start from what it runs with today.</p>
        ) : (
          <ThresholdFields
            key={`${entry.id}|${scope}|${chosenTarget ?? ""}`}
            entry={entry}
            scope={{ detector: entry.id, scope, target: chosenTarget }}
            current={current}
            existingConfig={existing?.config ?? null}
            canManage={canManage}
          />
        )}
      </div>
    </section>
  );
}

function ThresholdFields({
  entry,
  scope,
  current,
  existingConfig,
  canManage,
}: {
  entry: DetectorSettingsEntry;
  scope: TuningScope;
  current: Record<string, unknown>;
  existingConfig: Record<string, unknown> | null;
  canManage: boolean;
}) {
  const id = useId();
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(entry.fields.map((f) => [f.name, String(current[f.name] ?? f.default)])),
  );
  const [change, setChange] = useState<AuditEntryView | null>(null);
  const apply = useApplySetting();
  const scoreField = entry.fields.find((f) => f.name === entry.scoreField) ?? null;
  const problems = Object.fromEntries(entry.fields.map((f) => [f.name, fieldProblem(f, values[f.name] ?? "")]));
  const changed = entry.fields.filter((f) => !problems[f.name] && Number(values[f.name]) !== current[f.name]);
  const hasProblem = entry.fields.some((f) => problems[f.name]);

  const typedThreshold = scoreField && !problems[scoreField.name] ? Number(values[scoreField.name]) : null;
  const threshold = useDebouncedValue(typedThreshold);
  const whatIf = useWhatIf(scope, threshold);
  const curve = useFeedbackCurve(scope);

  const setValue = (name: string, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    setChange(null);
    if (apply.isError) apply.reset();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!canManage || apply.isPending || hasProblem || changed.length === 0) return;
    const config: Record<string, number> = {};
    for (const [k, v] of Object.entries(existingConfig ?? {})) if (typeof v === "number") config[k] = v;
    for (const f of changed) config[f.name] = Number(values[f.name]);
    apply.mutate(
      { detector: entry.id, scope: scope.scope, ...(scope.target ? { target: scope.target } : {}), config },
      { onSuccess: (res) => setChange(res.change) },
    );
  };

  const serverField = apply.error instanceof ApiError ? apply.error.field?.replace(/^config\./, "") : undefined;
  return (
    <div className="tuning-grid">
      <form className="settings-form" onSubmit={submit} noValidate aria-label={`Settings of ${entry.id}`}>
        <fieldset className="settings-fieldset" disabled={apply.isPending}>
          <legend className="visually-hidden">Settings of {entry.id}</legend>
          {entry.fields.map((f) => {
            const problem = problems[f.name] ?? (serverField === f.name ? apply.error?.message : null);
            const inputId = `${id}-${f.name}`;
            const isScore = f.name === entry.scoreField;
            return (
              <div className={`field${isScore ? " tuning-score-field" : ""}`} key={f.name}>
                <label htmlFor={inputId}>
                  {f.name}
                  {isScore ? " (alert threshold)" : ""}
                </label>
                <input
                  id={inputId}
                  className="input"
                  type="number"
                  inputMode="decimal"
                  step={f.type === "integer" ? 1 : "any"}
                  min={f.minimum ?? f.exclusiveMinimum}
                  max={f.maximum ?? f.exclusiveMaximum}
                  value={values[f.name] ?? ""}
                  onChange={(e) => setValue(f.name, e.target.value)}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={`${inputId}-hint`}
                />
                <span id={`${inputId}-hint`} className={problem ? "field-problem" : "faint"}>
                  {problem ? asSentence(problem) : `Default ${f.default}${bounds(f) ? `; ${bounds(f)}` : ""}`}
                </span>
              </div>
            );
          })}
          <div className="settings-actions settings-wide">
            <button type="submit" className="button button-primary" disabled={!canManage || hasProblem || changed.length === 0}>
              {apply.isPending ? "Applying…" : "Apply"}
            </button>
            <span className="faint">
              {!canManage
                ? "Admins only."
                : changed.length === 0
                  ? "Change a value to apply it."
                  : `Will set ${changed.map((f) => `${f.name} ${values[f.name]}`).join(", ")}.`}
            </span>
          </div>
        </fieldset>
        {apply.isError && !serverField ? (
          <p className="form-error" role="alert">
            Could not apply the setting: {asSentence(apply.error.message)}
          </p>
        ) : null}
        {change ? (
          <p className="settings-saved" role="status" data-testid="tuning-applied">
            Applied and audited (change #{change.id}): {describeChange(change)}. The worker uses it within 30 seconds, without a restart.
          </p>
        ) : null}
      </form>
      <div className="stack">
        <h3>What if</h3>
        {!scoreField ? (
          <p className="muted">This detector has no single alert threshold to try.</p>
        ) : whatIf.data ? (
          <WhatIfPanel whatIf={whatIf.data} loading={whatIf.isFetching} />
        ) : whatIf.isError ? (
          <LoadError what="the what-if numbers" error={whatIf.error} onRetry={() => void whatIf.refetch()} retrying={whatIf.isFetching} />
        ) : typedThreshold === null ? (
          <p className="muted">Enter a valid {scoreField.name} to see how many alerts it would give.</p>
        ) : (
          <div className="stack" aria-label="Loading what-if numbers" role="status">
            <span className="skeleton" style={{ height: "1.4rem", width: "70%" }} />
            <span className="skeleton" style={{ height: "7rem" }} />
          </div>
        )}
      </div>
      <div className="stack settings-wide">
        <h3>Precision, recall and F1 from verdicts and labelled scenarios</h3>
        {curve.isPending ? (
          <span className="skeleton" style={{ height: "300px" }} role="status" aria-label="Loading the verdict curve" />
        ) : curve.isError ? (
          <LoadError what="the verdict curve" error={curve.error} onRetry={() => void curve.refetch()} retrying={curve.isFetching} />
        ) : curve.data.labelled === 0 ? (
          <div className="empty-state">
            <strong>No labelled alerts for this detector yet.</strong>
            <span>
              Mark its alerts “True positive” or “False positive” on the alert pages (the demo also labels its alerts with the incidents it
              injected); the curve and the optimal thresholds appear once there are labels.
            </span>
          </div>
        ) : (
          <>
            <FeedbackCurveChart curve={curve.data} chosen={typedThreshold} />
            {scoreField ? (
              <div className="tuning-optima" role="group" aria-label="Use an optimal threshold">
                {(
                  [
                    ["f1", "F1-optimal"],
                    ["precision", "Precision-optimal"],
                    ["recall", "Recall-optimal"],
                  ] as const
                ).map(([k, label]) => {
                  const v = curve.data.optimal[k];
                  return (
                    <button
                      key={k}
                      type="button"
                      className="button button-small"
                      disabled={v === null}
                      onClick={() => v !== null && setValue(scoreField.name, String(v))}
                    >
                      Use {label} ({v === null ? "—" : formatThreshold(v)})
                    </button>
                  );
                })}
              </div>
            ) : null}
            <p className="faint">
              From {curve.data.labelled} labelled alerts: {curve.data.sources.verdicts} with analysts&apos; verdicts and {curve.data.sources.scenarios}{" "}
              labelled by scenario ground truth ({curve.data.positives} true positives; a verdict wins over the ground truth on the same alert).
              An alert counts as raised when its score is at or above the threshold. Recall is relative to the confirmed threats this detector
              alerted on.
            </p>
          </>
        )}
      </div>
    </div>
  );
}
