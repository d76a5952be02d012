ALTER TABLE `mail_outbox` ADD `appeal_id` integer;--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `organiser_id` integer;--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `stored_file` text;--> statement-breakpoint
CREATE INDEX `mail_outbox_appeal_idx` ON `mail_outbox` (`appeal_id`,`id`);--> statement-breakpoint
CREATE INDEX `mail_outbox_organiser_idx` ON `mail_outbox` (`organiser_id`,`id`);--> statement-breakpoint
-- Rows queued before this change: their appeal from the ref each caller recorded.
UPDATE `mail_outbox` SET `appeal_id` = CAST(substr(`ref`, 8) AS integer) WHERE `ref` LIKE 'appeal:%';--> statement-breakpoint
UPDATE `mail_outbox` SET `appeal_id` = CAST(substr(`ref`, 15) AS integer) WHERE `ref` LIKE 'dispatch-test:%';--> statement-breakpoint
UPDATE `mail_outbox` SET `appeal_id` = (SELECT `appeal_id` FROM `signatories` WHERE `signatories`.`id` = CAST(substr(`mail_outbox`.`ref`, 11) AS integer)) WHERE `ref` LIKE 'signatory:%';--> statement-breakpoint
UPDATE `mail_outbox` SET `appeal_id` = (SELECT `dispatches`.`appeal_id` FROM `deliveries` JOIN `dispatches` ON `dispatches`.`id` = `deliveries`.`dispatch_id` WHERE `deliveries`.`id` = CAST(substr(`mail_outbox`.`ref`, 10) AS integer)) WHERE `ref` LIKE 'delivery:%';--> statement-breakpoint
UPDATE `mail_outbox` SET `organiser_id` = json_extract(`payload`, '$.organiserId') WHERE `kind` = 'member-added' AND json_valid(`payload`);--> statement-breakpoint
-- The file transport answered "250 stored as <name>": that is the row's .eml file.
UPDATE `mail_outbox` SET `stored_file` = substr(`smtp_response`, 15) WHERE `smtp_response` LIKE '250 stored as %.eml';
