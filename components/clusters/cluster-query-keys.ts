// react-query keys of the Clusters dashboard.
export const clusterQueryKeys = {
  run: ["clusters", "run"] as const,
};
