/** The Tidewatch logo (same drawing as public/favicon.svg). Decorative: the text beside it names it. */
export function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 32 32" fill="none" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="#0f2533" />
      <path
        d="M4 19c3 0 3-4 6-4s3 4 6 4 3-4 6-4 3 4 6 4"
        stroke="#4fb3d9"
        strokeWidth="2.4"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
      <path
        d="M4 24c3 0 3-3 6-3s3 3 6 3 3-3 6-3 3 3 6 3"
        stroke="#2a6f8f"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
      <circle cx="22" cy="9" r="3" fill="#f0506e" />
    </svg>
  );
}
