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
	`signing_deadline` text DEFAULT '' NOT NULL,
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
	`signed_version_id` integer,
	`signed_at` integer,
	`signature_kind` text,
	`signature_file` text,
	`decline_reason` text DEFAULT '' NOT NULL,
	`consent_public` integer DEFAULT false NOT NULL,
	`consent_logo` integer DEFAULT false NOT NULL,
	`invited_at` integer,
	`last_activity_at` integer,
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
CREATE INDEX `appeal_addressee_lists_list_idx` ON `appeal_addressee_lists` (`list_id`);--> statement-breakpoint
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
CREATE TABLE `mail_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`payload` text DEFAULT '{}' NOT NULL,
	`recipient` text NOT NULL,
	`recipient_name` text DEFAULT '' NOT NULL,
	`ref` text,
	`state` text DEFAULT 'queued' NOT NULL,
	`message_id` text,
	`subject` text DEFAULT '' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_error` text DEFAULT '' NOT NULL,
	`smtp_response` text DEFAULT '' NOT NULL,
	`claimed_at` integer,
	`claimed_by` text DEFAULT '' NOT NULL,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_outbox_message_id_unique` ON `mail_outbox` (`message_id`);--> statement-breakpoint
CREATE INDEX `mail_outbox_due_idx` ON `mail_outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `mail_outbox_ref_idx` ON `mail_outbox` (`ref`);--> statement-breakpoint
CREATE TABLE `mail_worker_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`paused_at` integer,
	`paused_until` integer,
	`pause_reason` text DEFAULT '' NOT NULL,
	`last_sent_at` integer
);
--> statement-breakpoint
CREATE TABLE `letter_documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`sha256` text NOT NULL,
	`appeal_id` integer NOT NULL,
	`text_version_hash` text NOT NULL,
	`kind` text NOT NULL,
	`addressee_id` integer,
	`addressee_list_id` integer,
	`address_lines` text DEFAULT '' NOT NULL,
	`signatories` text DEFAULT '[]' NOT NULL,
	`draft` integer NOT NULL,
	`page_count` integer DEFAULT 0 NOT NULL,
	`byte_size` integer DEFAULT 0 NOT NULL,
	`input_key` text NOT NULL,
	`rendered_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `letter_documents_code_unique` ON `letter_documents` (`code`);--> statement-breakpoint
CREATE INDEX `letter_documents_appeal_idx` ON `letter_documents` (`appeal_id`);--> statement-breakpoint
CREATE INDEX `letter_documents_input_idx` ON `letter_documents` (`input_key`);