/** What a stack name may be: the CLI checks it before anything, and nothing else reaches the engine. */
export const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
export const STACK_NAME_RULE = "must be a stack name: letters, digits, '_', '.', '-', starting with a letter or digit";
