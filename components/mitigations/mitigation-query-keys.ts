// React-query keys of the mitigation lists (per alert, per campaign, active) and the playbook settings.
export const mitigationQueryKeys = {
  all: ["mitigations"] as const,
  list: (scope: { alertId?: number; campaignId?: number; status?: string }) => ["mitigations", scope] as const,
  playbooks: ["mitigation-playbooks"] as const,
};
