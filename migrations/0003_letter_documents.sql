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