CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dispatch_id` integer NOT NULL,
	`addressee_id` integer,
	`list_id` integer,
	`label` text NOT NULL,
	`email` text DEFAULT '' NOT NULL,
	`address_lines` text DEFAULT '' NOT NULL,
	`channel` text NOT NULL,
	`outbox_id` integer,
	`document_code` text,
	`document_sha256` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`dispatch_id`) REFERENCES `dispatches`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`outbox_id`) REFERENCES `mail_outbox`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_outbox_id_unique` ON `deliveries` (`outbox_id`);--> statement-breakpoint
CREATE INDEX `deliveries_dispatch_idx` ON `deliveries` (`dispatch_id`);--> statement-breakpoint
CREATE TABLE `dispatches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`appeal_id` integer NOT NULL,
	`day` text NOT NULL,
	`started_by` integer,
	`started_by_name` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`started_by`) REFERENCES `organisers`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dispatches_appeal_id_unique` ON `dispatches` (`appeal_id`);