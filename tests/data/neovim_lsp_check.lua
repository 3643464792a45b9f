-- Headless Neovim (built-in LSP client, 0.7+): open FL_FILE, start `FL_SERVER server` on it,
-- wait for its diagnostics and write them to FL_OUT, one "row:col CODE message" per line.
local out = os.getenv("FL_OUT")
local cmd = os.getenv("FL_SERVER")
vim.cmd("edit " .. os.getenv("FL_FILE"))
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "fastapi-lint",
  cmd = { cmd, "server" },
  root_dir = vim.fn.getcwd(),
})
vim.lsp.buf_attach_client(bufnr, client_id)
local ok = vim.wait(60000, function()
  return #vim.diagnostic.get(bufnr) > 0
end, 100)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  table.insert(lines, string.format("%d:%d %s %s", d.lnum + 1, d.col + 1, d.code or (d.user_data and d.user_data.lsp.code) or "?", d.message))
end
vim.fn.writefile(lines, out)
vim.lsp.stop_client(client_id)
vim.cmd("qa!")
