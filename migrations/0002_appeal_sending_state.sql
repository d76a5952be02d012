-- "Sending has started" is now the appeal's own state ('sending'), no longer the mere
-- existence of a dispatch. An appeal whose dispatch is still running (not every delivery sent
-- or decided, i.e. finished_at not yet set) moves from 'final' to 'sending'. A dispatch whose
-- last outcome was recorded just before a crash also has no finished_at yet; the next
-- settlement of that dispatch finishes it and moves the appeal on to 'sent'.
UPDATE `appeals` SET `state` = 'sending'
WHERE `state` = 'final'
  AND `id` IN (SELECT `appeal_id` FROM `dispatches` WHERE `finished_at` IS NULL);
