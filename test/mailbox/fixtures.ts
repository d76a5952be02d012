// Raw messages as they arrive in a coalition's mailbox: replies, DSNs of Postfix and Exchange,
// auto-replies. Lines end in CRLF as on the wire.
const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`;

export const ourMessageId = '<mz.12.a1b2c3d4@buendnis-kleve.example>';

export function reply({ messageId = '<antwort-1@kreis-kleve.example>', subject = 'AW: Gemeinsamer Appell zur Integration', inReplyTo = ourMessageId, extraHeaders = [] as string[] } = {}) {
  return crlf([
    'From: "Kreis Kleve, Büro des Landrats" <buero.landrat@kreis-kleve.example>',
    'To: buendnis@example.org',
    `Subject: ${subject}`,
    'Date: Mon, 23 Nov 2026 09:15:00 +0100',
    `Message-ID: ${messageId}`,
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`, `References: <vorher@buendnis-kleve.example> ${inReplyTo}`] : []),
    ...extraHeaders,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Sehr geehrte Damen und Herren,',
    'vielen Dank für Ihr Schreiben. Der Landrat wird im Kreistag berichten.',
    '',
    '--b1',
    'Content-Type: application/pdf; name="Antwort.pdf"',
    'Content-Disposition: attachment; filename="Antwort.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4\n% Antwort\n').toString('base64'),
    '--b1--',
  ]);
}

/** A Postfix DSN with the original message attached as message/rfc822. */
export function postfixBounce({ messageId = '<20261123081500.ABC12@mx.buendnis.example>', original = ourMessageId } = {}) {
  return crlf([
    'From: MAILER-DAEMON@mx.buendnis.example (Mail Delivery System)',
    'To: buendnis@example.org',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Mon, 23 Nov 2026 09:15:00 +0100',
    `Message-ID: ${messageId}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status;',
    '\tboundary="8A1B2C3D4.1700000000/mx.buendnis.example"',
    '',
    '--8A1B2C3D4.1700000000/mx.buendnis.example',
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.buendnis.example.',
    "I'm sorry to have to inform you that your message could not be delivered.",
    '',
    '--8A1B2C3D4.1700000000/mx.buendnis.example',
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.buendnis.example',
    'X-Postfix-Queue-ID: 8A1B2C3D4',
    'Arrival-Date: Mon, 23 Nov 2026 09:14:58 +0100 (CET)',
    '',
    'Final-Recipient: rfc822; buergermeister@goch.example',
    'Original-Recipient: rfc822;buergermeister@goch.example',
    'Action: failed',
    'Status: 5.1.1',
    'Remote-MTA: dns; mail.goch.example',
    'Diagnostic-Code: smtp; 550 5.1.1 <buergermeister@goch.example>: Recipient',
    '    address rejected: User unknown in virtual mailbox table',
    '',
    '--8A1B2C3D4.1700000000/mx.buendnis.example',
    'Content-Description: Undelivered Message',
    'Content-Type: message/rfc822',
    '',
    'From: Aktionsbuendnis Kleve <buendnis@example.org>',
    'To: buergermeister@goch.example',
    'Subject: Gemeinsamer Appell',
    `Message-ID: ${original}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Sehr geehrter Herr Bürgermeister,',
    '',
    '--8A1B2C3D4.1700000000/mx.buendnis.example--',
  ]);
}

/** An Exchange NDR: the original's headers only, as text/rfc822-headers, and a folded Message-ID. */
export function exchangeBounce({ messageId = '<ndr-77@kreis-kleve.example>', original = ourMessageId, action = 'failed', status = '5.7.1' } = {}) {
  return crlf([
    'From: Microsoft Outlook <postmaster@kreis-kleve.example>',
    'To: <buendnis@example.org>',
    'Subject: Unzustellbar: Gemeinsamer Appell',
    'Date: Mon, 23 Nov 2026 09:20:00 +0000',
    `Message-ID: ${messageId}`,
    'Content-Language: de-DE',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type="delivery-status"; boundary="_000_ndr_"',
    '',
    '--_000_ndr_',
    'Content-Type: text/html; charset="utf-8"',
    '',
    '<html><body><p>Die Nachricht konnte nicht zugestellt werden.</p></body></html>',
    '',
    '--_000_ndr_',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns;EX01.kreis-kleve.example',
    'Received-From-MTA: dns;mx.buendnis.example',
    '',
    'Final-Recipient: rfc822;poststelle@kreis-kleve.example',
    `Action: ${action}`,
    `Status: ${status}`,
    'Diagnostic-Code: smtp;550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized',
    '',
    '--_000_ndr_',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Aktionsbuendnis Kleve <buendnis@example.org>',
    'To: poststelle@kreis-kleve.example',
    'Subject: Gemeinsamer Appell',
    'Message-ID:',
    ` ${original}`,
    '',
    '--_000_ndr_--',
  ]);
}

export function autoReply(headers: string[], { subject = 'Gemeinsamer Appell', messageId = '<auto-1@goch.example>' } = {}) {
  return crlf([
    'From: Stadt Goch <info@goch.example>',
    'To: buendnis@example.org',
    `Subject: ${subject}`,
    'Date: Mon, 23 Nov 2026 09:16:00 +0100',
    `Message-ID: ${messageId}`,
    `In-Reply-To: ${ourMessageId}`,
    ...headers,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Ich bin bis zum 30.11. nicht im Büro.',
  ]);
}

export function htmlWithScript({ messageId = '<html-1@rees.example>' } = {}) {
  return crlf([
    'From: Stadt Rees <rathaus@rees.example>',
    'To: buendnis@example.org',
    'Subject: Re: Gemeinsamer Appell',
    `Message-ID: ${messageId}`,
    `In-Reply-To: ${ourMessageId}`,
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><head><style>p{color:red}</style><script>document.title="x"</script></head>',
    '<body><p>Danke f&uuml;r Ihren Brief &amp; die Unterschriften.</p><img src="https://tracker.example/x.gif" onerror="alert(1)"><script>alert("boom")</script></body></html>',
  ]);
}
