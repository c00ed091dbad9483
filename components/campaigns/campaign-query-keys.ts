// react-query keys of the Campaigns dashboard; the live stream invalidates `all` on "campaign.updated".
export const campaignQueryKeys = {
  all: ["campaigns"] as const,
  list: (limit: number) => ["campaigns", "list", limit] as const,
};
