CREATE TABLE `appeal_mail_texts` (
	`appeal_id` integer NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`updated_by` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`appeal_id`, `kind`),
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`updated_by`) REFERENCES `organisers`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
ALTER TABLE `organisers` ADD `notify_mode` text DEFAULT 'immediate' NOT NULL;--> statement-breakpoint
ALTER TABLE `organisers` ADD `digest_sent_at` integer;--> statement-breakpoint
ALTER TABLE `dispatches` ADD `thanks_queued_at` integer;