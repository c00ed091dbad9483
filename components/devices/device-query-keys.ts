// Query keys of the device inventory (refetched by the live stream).
export const deviceQueryKeys = { inventory: ["devices", "inventory"] as const };
