CREATE TABLE `answer_waivers` (
	`delivery_id` integer PRIMARY KEY NOT NULL,
	`set_at` integer NOT NULL,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `delivery_notices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT '' NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `delivery_notices_delivery_idx` ON `delivery_notices` (`delivery_id`);--> statement-breakpoint
CREATE TABLE `incoming_messages` (
	`message_id` text PRIMARY KEY NOT NULL,
	`delivery_id` integer,
	`outcome` text NOT NULL,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `replies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`source` text NOT NULL,
	`author_name` text DEFAULT '' NOT NULL,
	`office` text DEFAULT '' NOT NULL,
	`author_email` text DEFAULT '' NOT NULL,
	`subject` text DEFAULT '' NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`received_at` integer NOT NULL,
	`may_publish` integer DEFAULT false NOT NULL,
	`published_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `replies_delivery_idx` ON `replies` (`delivery_id`);--> statement-breakpoint
CREATE TABLE `reply_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reply_id` integer NOT NULL,
	`stored_name` text NOT NULL,
	`file_name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	FOREIGN KEY (`reply_id`) REFERENCES `replies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `reply_files_reply_idx` ON `reply_files` (`reply_id`);--> statement-breakpoint
CREATE TABLE `reply_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reply_links_token_hash_unique` ON `reply_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `reply_links_delivery_idx` ON `reply_links` (`delivery_id`);--> statement-breakpoint
CREATE TABLE `reply_reminders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`number` integer NOT NULL,
	`outbox_id` integer,
	`due_at` integer NOT NULL,
	`created_by` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`outbox_id`) REFERENCES `mail_outbox`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reply_reminders_slot_idx` ON `reply_reminders` (`delivery_id`,`number`);--> statement-breakpoint
CREATE TABLE `reply_settings` (
	`appeal_id` integer PRIMARY KEY NOT NULL,
	`remind_after_days` integer DEFAULT 21 NOT NULL,
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade
);
