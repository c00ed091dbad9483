import { badRequest } from "./app-error";

/** Row ids in URLs (`/api/…/:id`) are positive 32-bit integers; anything else is a 400 naming `id`. */
export function parseRowId(raw: string | undefined): number {
  const id = Number(raw);
  if (!raw || !/^\d{1,10}$/.test(raw) || !Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) {
    throw badRequest("id: must be a positive integer", "id");
  }
  return id;
}
