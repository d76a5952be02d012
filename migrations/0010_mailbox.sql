CREATE TABLE `mailbox_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`folder` text NOT NULL,
	`uid_validity` integer NOT NULL,
	`uid` integer NOT NULL,
	`message_id` text,
	`size` integer NOT NULL,
	`kind` text,
	`outcome` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`processed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mailbox_messages_place_idx` ON `mailbox_messages` (`folder`,`uid_validity`,`uid`);--> statement-breakpoint
CREATE INDEX `mailbox_messages_message_id_idx` ON `mailbox_messages` (`message_id`);--> statement-breakpoint
CREATE TABLE `mailbox_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_read_at` integer,
	`problem` text DEFAULT '' NOT NULL,
	`problem_since` integer,
	`failures` integer DEFAULT 0 NOT NULL,
	`retry_at` integer
);
