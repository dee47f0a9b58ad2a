import { Link, Outlet } from "react-router";
import { HelpLauncher } from "@/features/help";
import { shellText } from "../text";

/**
 * The frame of the pages reached without a browser session: the login page, the enrollment
 * link and the phone's companion pages. One column, readable on a phone first.
 */
export function PublicLayout({ links = [] }: { links?: { to: string; label: string }[] }) {
  return (
    <div className="public">
      <a className="skip-link" href="#contenu">
        {shellText.skipToContent}
      </a>
      <header className="public__header">
        <span className="shell__product">{shellText.productName}</span>
        {links.length > 0 && (
          <nav aria-label={shellText.companionNavigation}>
            <ul className="public__links">
              {links.map((link) => (
                <li key={link.to}>
                  <Link to={link.to}>{link.label}</Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </header>
      <main id="contenu" className="public__main" tabIndex={-1}>
        <Outlet />
      </main>
      {/* The login page and the phone's pages: articles and the support contact, no session. */}
      <HelpLauncher signedIn={false} />
    </div>
  );
}
