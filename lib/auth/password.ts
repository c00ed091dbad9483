// bcryptjs: pure JavaScript (nothing to compile or download), maintained, and cost 12 is still slow
// enough to make offline guessing expensive.
import bcrypt from "bcryptjs";

const COST = 12;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
