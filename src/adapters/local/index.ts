export { createLocalChat, type LocalChat, type LocalChatOptions } from "./local-chat.js";
export { createChatRoute, type ChatRouteOptions } from "./chat-route.js";
export { createTerminalChat, type TerminalChat, type TerminalChatOptions } from "./terminal-chat.js";
export { renderReplyText, renderFormText, renderNoticeText } from "./render-text.js";
