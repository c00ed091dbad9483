"use client";
import { signOut } from "next-auth/react";
import { useState } from "react";

/** Ends the session, then loads the login page afresh so no cached data of this user survives. */
export function LogOutButton() {
  const [pending, setPending] = useState(false);

  const logOut = async () => {
    setPending(true);
    try {
      await signOut({ redirect: false });
    } finally {
      window.location.assign("/login");
    }
  };

  return (
    <button type="button" className="button button-small" onClick={logOut} disabled={pending}>
      {pending ? "Logging out…" : "Log out"}
    </button>
  );
}
