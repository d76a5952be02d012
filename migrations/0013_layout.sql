ALTER TABLE `appeals` ADD `sender_address` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `appeals` ADD `letter_names_recipients` integer DEFAULT true NOT NULL;