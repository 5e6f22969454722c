/** The page the site serves until the web client (web/dist) has been built and deployed. */
export function placeholderPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
</head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1>${escapeHtml(title)}</h1>
<p>The APIs are deployed, but this deployment has no web client yet: build it (<code>web/dist</code>)
and run <code>npx cdk deploy --all</code> again.</p>
<p>The API and WebSocket URLs are in <a href="/config.json">/config.json</a>.</p>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
