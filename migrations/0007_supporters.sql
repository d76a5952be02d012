CREATE TABLE `supporter_counts` (
	`appeal_id` integer PRIMARY KEY NOT NULL,
	`citizens` integer DEFAULT 0 NOT NULL,
	`organisations` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `supporter_days` (
	`appeal_id` integer NOT NULL,
	`day` text NOT NULL,
	`citizens` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`appeal_id`, `day`),
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `supporter_snapshots` (
	`appeal_id` integer PRIMARY KEY NOT NULL,
	`organisations` text NOT NULL,
	`citizens` integer NOT NULL,
	`frozen_at` integer NOT NULL,
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `supporters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`appeal_id` integer NOT NULL,
	`kind` text NOT NULL,
	`state` text DEFAULT 'unconfirmed' NOT NULL,
	`first_name` text DEFAULT '' NOT NULL,
	`last_name` text DEFAULT '' NOT NULL,
	`postcode` text DEFAULT '' NOT NULL,
	`place` text DEFAULT '' NOT NULL,
	`email` text,
	`email_key` text NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`comment_state` text DEFAULT 'none' NOT NULL,
	`show_name` integer DEFAULT false NOT NULL,
	`keep_informed` integer DEFAULT false NOT NULL,
	`organisation_name` text DEFAULT '' NOT NULL,
	`short_name` text DEFAULT '' NOT NULL,
	`website` text DEFAULT '' NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`representative_function` text DEFAULT '' NOT NULL,
	`logo_file` text,
	`consent_logo` integer DEFAULT false NOT NULL,
	`authority_declared` integer DEFAULT false NOT NULL,
	`reject_reason` text DEFAULT '' NOT NULL,
	`confirm_token_hash` text,
	`confirm_expires_at` integer,
	`withdraw_token_hash` text,
	`created_at` integer NOT NULL,
	`confirmed_at` integer,
	`decided_at` integer,
	`withdrawn_at` integer,
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `supporters_confirm_token_hash_unique` ON `supporters` (`confirm_token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `supporters_withdraw_token_hash_unique` ON `supporters` (`withdraw_token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `supporters_email_idx` ON `supporters` (`appeal_id`,`kind`,`email_key`);--> statement-breakpoint
CREATE INDEX `supporters_state_idx` ON `supporters` (`appeal_id`,`kind`,`state`,`confirmed_at`);--> statement-breakpoint
ALTER TABLE `appeals` ADD `public_from` text DEFAULT 'signing' NOT NULL;--> statement-breakpoint
ALTER TABLE `appeals` ADD `support_closes_on` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `appeals` ADD `support_goal` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `appeals` ADD `letter_names_supporters` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `appeals` ADD `letter_counts_citizens` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `appeals` ADD `supporter_list_attached` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Counts of confirmed supporters, kept in the same transaction as every change of `supporters`
-- (the public page reads one row instead of counting a million).
CREATE TRIGGER `supporters_count_insert` AFTER INSERT ON `supporters` WHEN NEW.`state` = 'confirmed'
BEGIN
	INSERT INTO `supporter_counts` (`appeal_id`, `citizens`, `organisations`)
		VALUES (NEW.`appeal_id`, NEW.`kind` = 'citizen', NEW.`kind` = 'organisation')
		ON CONFLICT (`appeal_id`) DO UPDATE SET `citizens` = `citizens` + (NEW.`kind` = 'citizen'), `organisations` = `organisations` + (NEW.`kind` = 'organisation');
	INSERT INTO `supporter_days` (`appeal_id`, `day`, `citizens`)
		SELECT NEW.`appeal_id`, date(coalesce(NEW.`confirmed_at`, NEW.`created_at`) / 1000, 'unixepoch'), 1 WHERE NEW.`kind` = 'citizen'
		ON CONFLICT (`appeal_id`, `day`) DO UPDATE SET `citizens` = `citizens` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `supporters_count_confirm` AFTER UPDATE OF `state` ON `supporters` WHEN NEW.`state` = 'confirmed' AND OLD.`state` <> 'confirmed'
BEGIN
	INSERT INTO `supporter_counts` (`appeal_id`, `citizens`, `organisations`)
		VALUES (NEW.`appeal_id`, NEW.`kind` = 'citizen', NEW.`kind` = 'organisation')
		ON CONFLICT (`appeal_id`) DO UPDATE SET `citizens` = `citizens` + (NEW.`kind` = 'citizen'), `organisations` = `organisations` + (NEW.`kind` = 'organisation');
	INSERT INTO `supporter_days` (`appeal_id`, `day`, `citizens`)
		SELECT NEW.`appeal_id`, date(coalesce(NEW.`confirmed_at`, NEW.`created_at`) / 1000, 'unixepoch'), 1 WHERE NEW.`kind` = 'citizen'
		ON CONFLICT (`appeal_id`, `day`) DO UPDATE SET `citizens` = `citizens` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `supporters_count_unconfirm` AFTER UPDATE OF `state` ON `supporters` WHEN OLD.`state` = 'confirmed' AND NEW.`state` <> 'confirmed'
BEGIN
	UPDATE `supporter_counts` SET `citizens` = `citizens` - (OLD.`kind` = 'citizen'), `organisations` = `organisations` - (OLD.`kind` = 'organisation')
		WHERE `appeal_id` = OLD.`appeal_id`;
	UPDATE `supporter_days` SET `citizens` = `citizens` - 1
		WHERE OLD.`kind` = 'citizen' AND `appeal_id` = OLD.`appeal_id` AND `day` = date(coalesce(OLD.`confirmed_at`, OLD.`created_at`) / 1000, 'unixepoch');
END;
--> statement-breakpoint
CREATE TRIGGER `supporters_count_delete` AFTER DELETE ON `supporters` WHEN OLD.`state` = 'confirmed'
BEGIN
	UPDATE `supporter_counts` SET `citizens` = `citizens` - (OLD.`kind` = 'citizen'), `organisations` = `organisations` - (OLD.`kind` = 'organisation')
		WHERE `appeal_id` = OLD.`appeal_id`;
	UPDATE `supporter_days` SET `citizens` = `citizens` - 1
		WHERE OLD.`kind` = 'citizen' AND `appeal_id` = OLD.`appeal_id` AND `day` = date(coalesce(OLD.`confirmed_at`, OLD.`created_at`) / 1000, 'unixepoch');
END;
