CREATE TABLE `organisers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisers_email_unique` ON `organisers` (`email`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`organiser_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`organiser_id`) REFERENCES `organisers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_organiser_idx` ON `sessions` (`organiser_id`);--> statement-breakpoint
CREATE TABLE `appeals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`kind` text NOT NULL,
	`state` text DEFAULT 'draft' NOT NULL,
	`coalition_name` text NOT NULL,
	`title` text NOT NULL,
	`subtitle` text DEFAULT '' NOT NULL,
	`place` text DEFAULT '' NOT NULL,
	`letter_date` text DEFAULT '' NOT NULL,
	`reference` text DEFAULT '' NOT NULL,
	`salutation_override` text DEFAULT '' NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`closing` text DEFAULT 'Mit freundlichen Grüßen' NOT NULL,
	`contact_name` text DEFAULT '' NOT NULL,
	`contact_function` text DEFAULT '' NOT NULL,
	`contact_email` text DEFAULT '' NOT NULL,
	`contact_phone` text DEFAULT '' NOT NULL,
	`cc_lines` text DEFAULT '' NOT NULL,
	`attachment_lines` text DEFAULT '' NOT NULL,
	`list_first_signatories` integer DEFAULT false NOT NULL,
	`public_page` integer DEFAULT false NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `organisers`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `appeals_slug_unique` ON `appeals` (`slug`);--> statement-breakpoint
CREATE TABLE `memberships` (
	`appeal_id` integer NOT NULL,
	`organiser_id` integer NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`appeal_id`, `organiser_id`),
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organiser_id`) REFERENCES `organisers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `memberships_organiser_idx` ON `memberships` (`organiser_id`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`appeal_id` integer NOT NULL,
	`name` text NOT NULL,
	`short_name` text DEFAULT '' NOT NULL,
	`website` text DEFAULT '' NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`logo_file` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `organisations_appeal_idx` ON `organisations` (`appeal_id`);--> statement-breakpoint
CREATE TABLE `signatories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`appeal_id` integer NOT NULL,
	`organisation_id` integer NOT NULL,
	`representative_name` text NOT NULL,
	`representative_function` text DEFAULT '' NOT NULL,
	`representative_email` text NOT NULL,
	`tier` text DEFAULT 'first' NOT NULL,
	`status` text DEFAULT 'not_invited' NOT NULL,
	`position` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `signatories_appeal_idx` ON `signatories` (`appeal_id`,`position`);--> statement-breakpoint
CREATE TABLE `addressee_lists` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`owner_id` integer NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`rank` integer DEFAULT 50 NOT NULL,
	`group_address_line` text DEFAULT '' NOT NULL,
	`group_salutation` text DEFAULT '' NOT NULL,
	`group_institution` text DEFAULT '' NOT NULL,
	`group_recipient` text DEFAULT '' NOT NULL,
	`group_street` text DEFAULT '' NOT NULL,
	`group_postcode` text DEFAULT '' NOT NULL,
	`group_city` text DEFAULT '' NOT NULL,
	`group_email` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `organisers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `addressee_lists_owner_idx` ON `addressee_lists` (`owner_id`);--> statement-breakpoint
CREATE TABLE `addressees` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`list_id` integer NOT NULL,
	`salutation` text DEFAULT '' NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`first_name` text DEFAULT '' NOT NULL,
	`last_name` text DEFAULT '' NOT NULL,
	`function` text DEFAULT '' NOT NULL,
	`institution` text DEFAULT '' NOT NULL,
	`department` text DEFAULT '' NOT NULL,
	`street` text DEFAULT '' NOT NULL,
	`postcode` text DEFAULT '' NOT NULL,
	`city` text DEFAULT '' NOT NULL,
	`email` text DEFAULT '' NOT NULL,
	`letter_salutation` text DEFAULT '' NOT NULL,
	`verified_at` text DEFAULT '' NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`list_id`) REFERENCES `addressee_lists`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `addressees_list_idx` ON `addressees` (`list_id`);--> statement-breakpoint
CREATE TABLE `appeal_addressee_lists` (
	`appeal_id` integer NOT NULL,
	`list_id` integer NOT NULL,
	`collective` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`appeal_id`, `list_id`),
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`list_id`) REFERENCES `addressee_lists`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `appeal_addressee_lists_list_idx` ON `appeal_addressee_lists` (`list_id`);