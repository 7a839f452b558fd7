/** RFC 8058: mail clients show an unsubscribe button that POSTs to the URL, with no page. */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${url}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** The same link in the message itself, for readers whose client shows no button. */
export function unsubscribeFooter(url: string): { html: string; text: string } {
  const href = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return {
    html: `<p style="font-size:12px;color:#666"><a href="${href}">Unsubscribe</a></p>`,
    text: `Unsubscribe: ${url}`,
  };
}
