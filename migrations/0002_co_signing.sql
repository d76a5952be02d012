CREATE TABLE `appeal_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`appeal_id` integer NOT NULL,
	`number` integer NOT NULL,
	`hash` text NOT NULL,
	`canonical` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `appeal_versions_number_idx` ON `appeal_versions` (`appeal_id`,`number`);--> statement-breakpoint
CREATE TABLE `reminder_claims` (
	`signatory_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`slot` integer NOT NULL,
	`claimed_at` integer NOT NULL,
	PRIMARY KEY(`signatory_id`, `version_id`, `slot`),
	FOREIGN KEY (`signatory_id`) REFERENCES `signatories`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_id`) REFERENCES `appeal_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `signing_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`signatory_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`signatory_id`) REFERENCES `signatories`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signing_links_token_hash_unique` ON `signing_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `signing_links_signatory_idx` ON `signing_links` (`signatory_id`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`appeal_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`version_hash` text DEFAULT '' NOT NULL,
	`ip` text DEFAULT '' NOT NULL,
	`previous_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `audit_events_appeal_idx` ON `audit_events` (`appeal_id`,`id`);--> statement-breakpoint
ALTER TABLE `appeals` ADD `signing_deadline` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `signatories` ADD `signed_version_id` integer;--> statement-breakpoint
ALTER TABLE `signatories` ADD `signed_at` integer;--> statement-breakpoint
ALTER TABLE `signatories` ADD `signature_kind` text;--> statement-breakpoint
ALTER TABLE `signatories` ADD `signature_file` text;--> statement-breakpoint
ALTER TABLE `signatories` ADD `decline_reason` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `signatories` ADD `consent_public` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `signatories` ADD `consent_logo` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `signatories` ADD `invited_at` integer;--> statement-breakpoint
ALTER TABLE `signatories` ADD `last_activity_at` integer;