import { Link } from "react-router";
import { shellText } from "./text";

/**
 * A screen this user's roles (or this kind of workspace) do not open. The page exists (the
 * address is the SPA's own, listed in its code): saying « introuvable » only made people think
 * the link was broken. The API still answers 404 for data that is not theirs.
 */
export function AccessDeniedPage() {
  return (
    <>
      <h1>{shellText.accessDeniedTitle}</h1>
      <p>{shellText.accessDeniedBody}</p>
      <p>
        <Link to="/">{shellText.backHome}</Link>
      </p>
    </>
  );
}
