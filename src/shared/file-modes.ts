/**
 * Modes of what Paraphe creates on disk. Its data (documents, raw messages with signing links,
 * keys, the embedded database) is readable by the service's own user only, whatever the umask
 * lets other programs do: folders 0700, files 0600.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
