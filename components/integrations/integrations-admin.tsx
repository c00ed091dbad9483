"use client";
// Notification channels for admins: each with its health (last delivery, failures in a row, waiting
// and dead messages), a Send test button that shows the receiver's answer, pause/resume and delete;
// the latest deliveries; a form to add a channel. Secrets are write-only: the API never returns them.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import type { ChannelAdminView, DeliveryView } from "@/lib/notify/channel-input";
import { ApiError } from "@/components/api/api-error";
import { fetchJson } from "@/components/api/fetch-json";
import { asSentence } from "@/components/ui/as-sentence";
import { ConfirmDelete } from "@/components/ui/confirm-delete";
import { formatFullTime } from "@/components/ui/format-time";
import { LoadError } from "@/components/ui/load-error";

interface KindInfo {
  kind: string;
  label: string;
  secret: { required: boolean; label: string };
}
interface TestOutcome {
  ok: boolean;
  status: number | null;
  error: string | null;
}

const CHANNELS_KEY = ["notification-channels"] as const;
const DELIVERIES_KEY = ["notification-deliveries"] as const;

const HEALTH_TEXT = { healthy: "Healthy", failing: "Failing", paused: "Paused", new: "Nothing sent yet" } as const;

export function IntegrationsAdmin() {
  const queryClient = useQueryClient();
  const channels = useQuery({
    queryKey: CHANNELS_KEY,
    queryFn: ({ signal }) => fetchJson<{ channels: ChannelAdminView[]; kinds: KindInfo[] }>("/api/notification-channels", { signal }),
    refetchInterval: 15_000,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: CHANNELS_KEY });
    void queryClient.invalidateQueries({ queryKey: DELIVERIES_KEY });
  };

  return (
    <div className="stack">
      <section className="panel" aria-labelledby="channels-heading">
        <div className="panel-header">
          <h2 id="channels-heading">Channels</h2>
        </div>
        {channels.isPending ? (
          <div className="panel-body" aria-busy="true" aria-label="Loading channels">
            <span className="skeleton" style={{ height: "1.6rem" }} />
          </div>
        ) : channels.isError ? (
          <LoadError what="the channels" error={channels.error} onRetry={() => void channels.refetch()} retrying={channels.isFetching} />
        ) : channels.data.channels.length === 0 ? (
          <div className="empty-state panel-body" data-testid="channels-empty">
            <strong>No channels yet.</strong>
            <span>Add one below; every alert then also goes where your team is.</span>
          </div>
        ) : (
          <div className="table-wrap">
            <table className="alert-table" data-testid="channel-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Sends</th>
                  <th scope="col">Health</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {channels.data.channels.map((c) => (
                  <ChannelRow key={c.id} channel={c} kinds={channels.data.kinds} onChanged={refresh} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <RecentDeliveries />
      {channels.data ? <ChannelForm kinds={channels.data.kinds} onSaved={refresh} /> : null}
    </div>
  );
}

function describeFilter(c: ChannelAdminView): string {
  const f = c.filter;
  const parts = [
    f.minSeverity ? `${f.minSeverity} and above` : "every severity",
    f.subjects === "alerts" ? "single alerts" : f.subjects === "campaigns" ? "campaigns" : "alerts and campaigns",
    ...(f.types?.length ? [`types ${f.types.join(", ")}`] : []),
    ...(f.sites?.length ? [`sites ${f.sites.join(", ")}`] : []),
    ...(f.roles?.length ? [`roles ${f.roles.join(", ")}`] : []),
    ...(f.tags?.length ? [`device tags ${f.tags.join(", ")}`] : []),
    ...(f.detectors?.length ? [`detectors ${f.detectors.join(", ")}`] : []),
    ...(f.quietHours ? [`quiet ${f.quietHours.from}–${f.quietHours.to} ${f.quietHours.timezone} (${f.quietHours.allowSeverity} still goes)`] : []),
  ];
  return (c.escalateAfterMinutes ? `Escalation after ${c.escalateAfterMinutes} min unacknowledged; ` : "") + parts.join("; ");
}

function ChannelRow({ channel: c, kinds, onChanged }: { channel: ChannelAdminView; kinds: KindInfo[]; onChanged: () => void }) {
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);
  const test = useMutation({
    mutationFn: () => fetchJson<TestOutcome>(`/api/notification-channels/${c.id}/test`, { method: "POST" }),
    onSuccess: (r) => {
      setOutcome(r);
      onChanged();
    },
  });
  const toggle = useMutation({
    mutationFn: () => fetchJson(`/api/notification-channels/${c.id}`, { method: "PATCH", json: { enabled: !c.enabled } }),
    onSettled: onChanged,
  });
  const [editing, setEditing] = useState(false);
  const h = c.health;
  return (
    <>
      <tr data-testid="channel-row" data-name={c.name} data-health={h.state}>
        <th scope="row">{c.name}</th>
        <td>{kinds.find((k) => k.kind === c.kind)?.label ?? c.kind}</td>
        <td className="faint">{describeFilter(c)}</td>
        <td>
          <div>
            <strong data-testid="channel-health">{HEALTH_TEXT[h.state]}</strong>
            {h.consecutiveFailures > 0 ? <span className="faint"> ({h.consecutiveFailures} failed in a row)</span> : null}
          </div>
          <div className="faint">
            {h.lastSuccessAt ? `Last delivered ${formatFullTime(h.lastSuccessAt)}` : "Never delivered"}
            {h.pending > 0 ? ` · ${h.pending} waiting` : ""}
            {h.dead > 0 ? ` · ${h.dead} given up` : ""}
          </div>
          {c.lastError && h.state === "failing" ? <div className="form-error">{c.lastError}</div> : null}
        </td>
        <td>
          <div style={{ display: "flex", gap: "0.35rem", flexWrap: "wrap" }}>
            <button type="button" className="button" disabled={test.isPending} onClick={() => test.mutate()}>
              {test.isPending ? "Sending…" : "Send test"}
            </button>
            <button type="button" className="button" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
              {c.enabled ? "Pause" : "Resume"}
            </button>
            <button type="button" className="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
              Edit
            </button>
            <ConfirmDelete what={`the channel “${c.name}”`} onConfirm={() => fetchJson(`/api/notification-channels/${c.id}`, { method: "DELETE" }).then(onChanged)} />
          </div>
          {outcome ? (
            <p className={outcome.ok ? "settings-saved" : "form-error"} role="status" data-testid="test-outcome">
              {outcome.ok ? `Delivered${outcome.status ? ` (HTTP ${outcome.status})` : ""}.` : `Not delivered: ${asSentence(outcome.error ?? "unknown error")}`}
            </p>
          ) : test.isError ? (
            <p className="form-error" role="alert">
              {asSentence(test.error.message)}
            </p>
          ) : null}
        </td>
      </tr>
      {editing ? (
        <tr data-testid="channel-edit-row">
          <td colSpan={5}>
            <ChannelForm
              kinds={kinds}
              editing={c}
              onSaved={() => {
                setEditing(false);
                onChanged();
              }}
              onCancel={() => setEditing(false)}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function RecentDeliveries() {
  const deliveries = useQuery({
    queryKey: DELIVERIES_KEY,
    queryFn: ({ signal }) => fetchJson<{ deliveries: DeliveryView[] }>("/api/notification-deliveries?limit=20", { signal }).then((r) => r.deliveries),
    refetchInterval: 15_000,
  });
  return (
    <section className="panel" aria-labelledby="deliveries-heading">
      <div className="panel-header">
        <h2 id="deliveries-heading">Latest deliveries</h2>
      </div>
      {deliveries.isError ? (
        <LoadError what="the deliveries" error={deliveries.error} onRetry={() => void deliveries.refetch()} retrying={deliveries.isFetching} />
      ) : !deliveries.data?.length ? (
        <p className="panel-body faint">Nothing sent yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="alert-table" data-testid="delivery-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Channel</th>
                <th scope="col">Event</th>
                <th scope="col">About</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.map((d) => (
                <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
                  <td>{formatFullTime(d.sentAt ?? d.createdAt)}</td>
                  <td>{d.channelName}</td>
                  <td className="mono">{d.event}</td>
                  <td>{d.alertId ? <a href={`/alerts/${d.alertId}`}>Alert {d.alertId}</a> : d.campaignId ? `Campaign ${d.campaignId}` : "-"}</td>
                  <td>
                    {d.status}
                    {d.responseStatus ? ` (HTTP ${d.responseStatus})` : ""}
                    {d.attempts > 1 ? ` after ${d.attempts} tries` : ""}
                    {d.lastError && d.status !== "sent" ? <div className="faint">{d.lastError}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

type Form = {
  name: string;
  kind: string;
  url: string;
  format: string;
  host: string;
  port: string;
  protocol: string;
  from: string;
  to: string;
  user: string;
  index: string;
  secret: string;
  minSeverity: string;
  subjects: string;
  escalateAfterMinutes: string;
  types: string;
  sites: string;
  roles: string;
  quietFrom: string;
  quietTo: string;
};
const EMPTY: Form = {
  name: "",
  kind: "webhook",
  url: "",
  format: "tidewatch",
  host: "",
  port: "",
  protocol: "udp",
  from: "",
  to: "",
  user: "",
  index: "",
  secret: "",
  minSeverity: "",
  subjects: "both",
  escalateAfterMinutes: "",
  types: "",
  sites: "",
  roles: "",
  quietFrom: "",
  quietTo: "",
};

const list = (v: string) => v.split(",").map((s) => s.trim()).filter(Boolean);

/** The filter from the form's fields (on top of what the form does not show, when editing); quiet hours in the browser's time zone. */
function filterOf(f: Form, editing?: ChannelAdminView): Record<string, unknown> {
  const { minSeverity: _m, types: _t, sites: _s, roles: _r, quietHours, subjects: _j, ...rest } = editing?.filter ?? {};
  const timezone = quietHours?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return {
    ...rest,
    subjects: f.subjects,
    ...(f.minSeverity ? { minSeverity: f.minSeverity } : {}),
    ...(list(f.types).length ? { types: list(f.types) } : {}),
    ...(list(f.sites).length ? { sites: list(f.sites) } : {}),
    ...(list(f.roles).length ? { roles: list(f.roles) } : {}),
    ...(f.quietFrom && f.quietTo ? { quietHours: { ...quietHours, from: f.quietFrom, to: f.quietTo, timezone } } : {}),
  };
}

/** A stored channel back in the form's fields (the secret stays empty: it is never sent to the browser). */
function formOf(c: ChannelAdminView): Form {
  const cfg = c.config as Record<string, unknown>;
  const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  return {
    ...EMPTY,
    name: c.name,
    kind: c.kind,
    url: c.kind === "pagerduty" && cfg.url === "https://events.pagerduty.com/v2/enqueue" ? "" : str(cfg.url),
    format: str(cfg.format) || "tidewatch",
    host: str(cfg.host),
    port: str(cfg.port),
    protocol: str(cfg.protocol) || "udp",
    from: str(cfg.from),
    to: Array.isArray(cfg.to) ? cfg.to.join(", ") : "",
    user: str(cfg.user),
    index: str(cfg.index),
    minSeverity: c.filter.minSeverity ?? "",
    subjects: c.filter.subjects ?? "both",
    escalateAfterMinutes: str(c.escalateAfterMinutes),
    types: (c.filter.types ?? []).join(", "),
    sites: (c.filter.sites ?? []).join(", "),
    roles: (c.filter.roles ?? []).join(", "),
    quietFrom: c.filter.quietHours?.from ?? "",
    quietTo: c.filter.quietHours?.to ?? "",
  };
}

/** The kind's config from the form's fields (the API checks it and names a bad field). */
function configOf(f: Form): Record<string, unknown> {
  const port = f.port ? Number(f.port) : undefined;
  switch (f.kind) {
    case "webhook":
      return { url: f.url, format: f.format };
    case "pagerduty":
      return f.url ? { url: f.url } : {};
    case "splunk_hec":
      return { url: f.url, ...(f.index ? { index: f.index } : {}) };
    case "syslog_cef":
      return { host: f.host, protocol: f.protocol, ...(port ? { port } : {}) };
    case "email":
      return { host: f.host, from: f.from, to: f.to.split(",").map((s) => s.trim()).filter(Boolean), ...(port ? { port } : {}), ...(f.user ? { user: f.user } : {}) };
    default:
      return {};
  }
}

/** Adds a channel, or (with `editing`) changes one: its kind stays, an empty secret keeps the stored one. */
function ChannelForm({ kinds, editing, onSaved, onCancel }: { kinds: KindInfo[]; editing?: ChannelAdminView; onSaved: () => void; onCancel?: () => void }) {
  const id = useId();
  const [form, setForm] = useState<Form>(() => (editing ? formOf(editing) : EMPTY));
  const set = (k: keyof Form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const kind = kinds.find((k) => k.kind === form.kind);
  const create = useMutation({
    mutationFn: () =>
      editing
        ? fetchJson(`/api/notification-channels/${editing.id}`, {
            method: "PATCH",
            json: {
              name: form.name,
              config: configOf(form),
              ...(form.secret ? { secret: form.secret } : {}),
              filter: filterOf(form, editing),
              escalateAfterMinutes: form.escalateAfterMinutes ? Number(form.escalateAfterMinutes) : null,
            },
          })
        : fetchJson("/api/notification-channels", {
            method: "POST",
            json: {
              name: form.name,
              kind: form.kind,
              config: configOf(form),
              ...(form.secret ? { secret: form.secret } : {}),
              filter: filterOf(form),
              ...(form.escalateAfterMinutes ? { escalateAfterMinutes: Number(form.escalateAfterMinutes) } : {}),
            },
          }),
    onSuccess: () => {
      if (!editing) setForm(EMPTY);
      onSaved();
    },
  });
  const problem = create.error instanceof ApiError ? create.error : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const field = (key: keyof Form, label: string, props: Record<string, unknown> = {}) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input id={`${id}-${key}`} className="input" value={form[key]} onChange={set(key)} {...props} />
    </div>
  );
  const urlKinds = ["webhook", "splunk_hec", "pagerduty"];
  return (
    <section className="panel panel-body stack" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{editing ? `Edit “${editing.name}”` : "Add a channel"}</h2>
      <form className="settings-form" onSubmit={submit}>
        {field("name", "Name", { required: true, maxLength: 100 })}
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} className="input" value={form.kind} onChange={set("kind")} disabled={editing !== undefined}>
            {kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        {urlKinds.includes(form.kind)
          ? field("url", form.kind === "splunk_hec" ? "HEC URL (https://splunk:8088)" : form.kind === "pagerduty" ? "Events API URL (leave empty for PagerDuty's)" : "URL", {
              type: "url",
              required: form.kind !== "pagerduty",
            })
          : null}
        {form.kind === "webhook" ? (
          <div className="field">
            <label htmlFor={`${id}-format`}>Format</label>
            <select id={`${id}-format`} className="input" value={form.format} onChange={set("format")}>
              <option value="tidewatch">Tidewatch JSON</option>
              <option value="alertmanager">Prometheus Alertmanager webhook</option>
            </select>
          </div>
        ) : null}
        {form.kind === "splunk_hec" ? field("index", "Index (optional)") : null}
        {form.kind === "syslog_cef" || form.kind === "email" ? field("host", form.kind === "email" ? "SMTP host" : "Syslog host", { required: true }) : null}
        {form.kind === "syslog_cef" || form.kind === "email" ? field("port", "Port", { type: "number", min: 1, max: 65535, placeholder: form.kind === "email" ? "587" : "514" }) : null}
        {form.kind === "syslog_cef" ? (
          <div className="field">
            <label htmlFor={`${id}-protocol`}>Transport</label>
            <select id={`${id}-protocol`} className="input" value={form.protocol} onChange={set("protocol")}>
              <option value="udp">UDP</option>
              <option value="tcp">TCP</option>
              <option value="tls">TLS</option>
            </select>
          </div>
        ) : null}
        {form.kind === "email" ? field("from", "From", { type: "email", required: true }) : null}
        {form.kind === "email" ? field("to", "To (comma-separated)", { required: true }) : null}
        {form.kind === "email" ? field("user", "SMTP user (optional)") : null}
        {kind && kind.kind !== "syslog_cef"
          ? field("secret", editing?.hasSecret ? `${kind.secret.label} (empty: keep the stored one)` : kind.secret.label, {
              type: "password",
              autoComplete: "off",
              required: kind.secret.required && !editing?.hasSecret,
            })
          : null}
        <div className="field">
          <label htmlFor={`${id}-sev`}>Minimum severity</label>
          <select id={`${id}-sev`} className="input" value={form.minSeverity} onChange={set("minSeverity")}>
            <option value="">Any</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
            <option value="critical">Critical</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-subjects`}>Send</label>
          <select id={`${id}-subjects`} className="input" value={form.subjects} onChange={set("subjects")}>
            <option value="both">Alerts and campaigns (one message per campaign)</option>
            <option value="alerts">Single alerts only</option>
            <option value="campaigns">Campaigns only</option>
          </select>
        </div>
        {field("types", "Only these alert types (comma-separated; empty: all)", { placeholder: "ddos, exfiltration" })}
        {field("sites", "Only these sites (comma-separated; empty: all)")}
        {field("roles", "Only these device roles (comma-separated; empty: all)")}
        {field("quietFrom", "Quiet hours from (only critical goes out; the rest waits)", { type: "time" })}
        {field("quietTo", "Quiet hours until", { type: "time" })}
        {field("escalateAfterMinutes", "Escalation: only alerts unacknowledged after … minutes (empty: at once)", { type: "number", min: 1 })}
        <div>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {editing ? (create.isPending ? "Saving…" : "Save channel") : create.isPending ? "Adding…" : "Add channel"}
          </button>
          {onCancel ? (
            <button type="button" className="button" onClick={onCancel}>
              Cancel
            </button>
          ) : null}
        </div>
        {problem ? (
          <p className="form-error" role="alert">
            Could not {editing ? "save" : "add"} the channel: {asSentence(problem.message)}
          </p>
        ) : null}
        {create.isSuccess && !editing ? (
          <p className="settings-saved" role="status">
            Channel added.
          </p>
        ) : null}
      </form>
    </section>
  );
}
