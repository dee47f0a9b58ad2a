import { Link } from "react-router";
import { shellText } from "./text";

export function NotFoundPage() {
  return (
    <>
      <h1>{shellText.notFoundTitle}</h1>
      <p>{shellText.notFoundBody}</p>
      <p>
        <Link to="/">{shellText.backHome}</Link>
      </p>
    </>
  );
}
