-- An appeal whose slug is a fixed page (/appeals/new …) could not be opened: it gets the
-- prefix that new appeals get (server/shared/slug.ts, reservedSlugs).
UPDATE `appeals` SET `slug` = CASE
  WHEN EXISTS (SELECT 1 FROM `appeals` AS `other` WHERE `other`.`slug` = 'aufruf-' || `appeals`.`slug`) THEN 'aufruf-' || `appeals`.`slug` || '-' || `appeals`.`id`
  ELSE 'aufruf-' || `appeals`.`slug`
END
WHERE `slug` IN ('new', 'edit', 'delete', 'import', 'export', 'search', 'settings', 'mail', 'outbox', 'archive', 'all');
