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
