/** The product mark: the header's and the login page's logo (its own module, so the login page does not load the frame). */
export function Logo() {
  return (
    <svg width="28" height="28" viewBox="0 0 32 32" aria-hidden>
      <rect width="32" height="32" rx="7" fill="#1664ff" />
      <path d="M8 22V14M14 22V9M20 22V16M26 22V11" stroke="white" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}
