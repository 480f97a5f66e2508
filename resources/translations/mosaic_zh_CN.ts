<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <source>in {package} {version}</source>
        <translation>位于 {package} {version}</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>About {app}</source>
        <translation>关于 {app}</translation>
    </message>
    <message>
        <source>{app} icon</source>
        <translation>{app} 图标</translation>
    </message>
    <message>
        <source>{app} {version}</source>
        <translation>{app} {version}</translation>
    </message>
    <message>
        <source>An assistant that chats, looks at images and listens, with models that run on this computer.</source>
        <translation>一个能对话、看图、听懂语音的助手，所用模型都在这台电脑上运行。</translation>
    </message>
    <message>
        <source>Offline: nothing leaves this computer.</source>
        <translation>离线运行：任何内容都不会离开这台电脑。</translation>
    </message>
    <message>
        <source>Free software under the {licence} licence.</source>
        <translation>以 {licence} 许可证发布的自由软件。</translation>
    </message>
    <message>
        <source>Where your data lives</source>
        <translation>数据存放位置</translation>
    </message>
    <message>
        <source>&amp;Data:</source>
        <translation>数据(&amp;D)：</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>Open data folder</source>
        <translation>打开数据文件夹</translation>
    </message>
    <message>
        <source>Conversations, models and attached files</source>
        <translation>对话、模型和附加的文件</translation>
    </message>
    <message>
        <source>&amp;Settings:</source>
        <translation>设置(&amp;S)：</translation>
    </message>
    <message>
        <source>Settings folder</source>
        <translation>设置文件夹</translation>
    </message>
    <message>
        <source>Open settings folder</source>
        <translation>打开设置文件夹</translation>
    </message>
    <message>
        <source>Your settings</source>
        <translation>你的设置</translation>
    </message>
    <message>
        <source>C&amp;ache:</source>
        <translation>缓存(&amp;A)：</translation>
    </message>
    <message>
        <source>Cache folder</source>
        <translation>缓存文件夹</translation>
    </message>
    <message>
        <source>Open cache folder</source>
        <translation>打开缓存文件夹</translation>
    </message>
    <message>
        <source>Files Mosaic can make again; safe to delete</source>
        <translation>Mosaic 可以重新生成的文件，可以放心删除</translation>
    </message>
    <message>
        <source>&amp;Logs:</source>
        <translation>日志(&amp;L)：</translation>
    </message>
    <message>
        <source>Logs folder</source>
        <translation>日志文件夹</translation>
    </message>
    <message>
        <source>Open logs folder</source>
        <translation>打开日志文件夹</translation>
    </message>
    <message>
        <source>What Mosaic did, for reporting a problem</source>
        <translation>Mosaic 的运行记录，可用于报告问题</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Built with</source>
        <translation>构建所用组件</translation>
    </message>
    <message>
        <source>Bundled components</source>
        <translation>内置组件</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>组件</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
</context>
<context>
    <name>AppearanceController</name>
    <message>
        <source>The interface switches to {language} when Mosaic restarts.</source>
        <translation>Mosaic 重新启动后，界面将切换为 {language}。</translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation>立即重启</translation>
    </message>
</context>
<context>
    <name>AppearanceSettingsGroup</name>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Light or dark colours; the system choice follows the desktop as it changes.</source>
        <translation>浅色或深色配色；“跟随系统”会随桌面设置的变化而变化。</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>{same_as_system} ({language})</source>
        <translation>{same_as_system}（{language}）</translation>
    </message>
    <message>
        <source>Takes effect when Mosaic restarts.</source>
        <translation>重新启动 Mosaic 后生效。</translation>
    </message>
    <message>
        <source>Close to the tray: &amp;keep running when the window is closed</source>
        <translation>关闭到托盘：关闭窗口后继续运行(&amp;K)</translation>
    </message>
    <message>
        <source>Closing the window leaves Mosaic in the system tray, with its model loaded; quit from the tray icon&apos;s menu.</source>
        <translation>关闭窗口后 Mosaic 会留在系统托盘中，模型保持加载；要退出，请使用托盘图标的菜单。</translation>
    </message>
    <message>
        <source>This desktop shows no system tray, so closing the window quits Mosaic.</source>
        <translation>此桌面没有系统托盘，因此关闭窗口会退出 Mosaic。</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>主题(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
</context>
<context>
    <name>AttachmentChip</name>
    <message>
        <source>Open {name}</source>
        <translation>打开 {name}</translation>
    </message>
    <message>
        <source>Remove {name}</source>
        <translation>移除 {name}</translation>
    </message>
</context>
<context>
    <name>AttachmentController</name>
    <message>
        <source>The loaded model cannot see images</source>
        <translation>当前加载的模型无法识别图片</translation>
    </message>
    <message>
        <source>The pasted image could not be read; copy it again or save it to a file and attach that.</source>
        <translation>无法读取粘贴的图片；请重新复制，或将其保存为文件后再附加。</translation>
    </message>
    <message>
        <source>{name}: {note}</source>
        <comment>an attached image&apos;s file name, then a note about it</comment>
        <translation>{name}：{note}</translation>
    </message>
    <message>
        <source>≈ {tokens} context tokens</source>
        <translation>约 {tokens} 个上下文 token</translation>
    </message>
    <message>
        <source>≈ {tokens} context tokens — more than this model&apos;s context of {context} allows</source>
        <translation>约 {tokens} 个上下文 token——超出了此模型 {context} 的上下文上限</translation>
    </message>
</context>
<context>
    <name>AttachmentStrip</name>
    <message>
        <source>Describe</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Describe this image in detail.</source>
        <translation>请详细描述这张图片。</translation>
    </message>
    <message>
        <source>Describe these images in detail.</source>
        <translation>请详细描述这些图片。</translation>
    </message>
    <message>
        <source>Caption</source>
        <translation>配标题</translation>
    </message>
    <message>
        <source>Write a one-line caption for this image.</source>
        <translation>为这张图片写一句话的标题。</translation>
    </message>
    <message>
        <source>Write a one-line caption for each of these images.</source>
        <translation>为每张图片各写一句话的标题。</translation>
    </message>
    <message>
        <source>Read the text</source>
        <translation>识别文字</translation>
    </message>
    <message>
        <source>Read all the text in this image and write it out exactly.</source>
        <translation>识别这张图片中的所有文字，并原样写出。</translation>
    </message>
    <message>
        <source>Read all the text in these images and write it out exactly.</source>
        <translation>识别这些图片中的所有文字，并原样写出。</translation>
    </message>
    <message>
        <source>What is this?</source>
        <translation>这是什么？</translation>
    </message>
    <message>
        <source>What are these?</source>
        <translation>这些是什么？</translation>
    </message>
    <message>
        <source>Preparing {count} image…</source>
        <translation>正在准备 {count} 张图片…</translation>
    </message>
    <message>
        <source>Preparing {count} images…</source>
        <translation>正在准备 {count} 张图片…</translation>
    </message>
    <message>
        <source>Attached images</source>
        <translation>附加的图片</translation>
    </message>
    <message>
        <source>Preparing images</source>
        <translation>正在准备图片</translation>
    </message>
    <message>
        <source>Context estimate</source>
        <translation>上下文估算</translation>
    </message>
    <message>
        <source>How much of the model&apos;s context the attached images take</source>
        <translation>附加的图片占用模型上下文的多少</translation>
    </message>
    <message>
        <source>Put “{prompt}” in the message box to edit and send</source>
        <translation>将“{prompt}”放入消息框，可编辑后发送</translation>
    </message>
</context>
<context>
    <name>CatalogView</name>
    <message>
        <source>Sees images</source>
        <translation>能识图</translation>
    </message>
    <message>
        <source>Speech</source>
        <translation>语音</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>✓ Fits</source>
        <translation>✓ 合适</translation>
    </message>
    <message>
        <source>! Tight</source>
        <translation>! 勉强</translation>
    </message>
    <message>
        <source>✕ Too big</source>
        <translation>✕ 太大</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Quant.</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>Fits</source>
        <translation>适配</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Quantization (how the weights are stored)</source>
        <translation>量化方式（权重的存储方式）</translation>
    </message>
    <message>
        <source>Download size</source>
        <translation>下载大小</translation>
    </message>
    <message>
        <source>Whether it fits this machine&apos;s memory</source>
        <translation>是否装得下这台电脑的内存</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>{count} parameters</source>
        <translation>{count} 参数</translation>
    </message>
    <message>
        <source>{size} download</source>
        <translation>下载 {size}</translation>
    </message>
    <message>
        <source>English only.</source>
        <translation>仅支持英语。</translation>
    </message>
    <message>
        <source>Many languages.</source>
        <translation>支持多种语言。</translation>
    </message>
    <message>
        <source>Languages: {codes}.</source>
        <translation>语言：{codes}。</translation>
    </message>
    <message>
        <source>Model catalog</source>
        <translation>模型目录</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Which kinds of model the list shows</source>
        <translation>列表显示哪些类型的模型</translation>
    </message>
    <message>
        <source>Search models</source>
        <translation>搜索模型</translation>
    </message>
    <message>
        <source>&amp;Show:</source>
        <translation>显示(&amp;S)：</translation>
    </message>
    <message>
        <source>Catalog models</source>
        <translation>目录中的模型</translation>
    </message>
    <message>
        <source>Press Enter to download the current model.</source>
        <translation>按 Enter 下载当前模型。</translation>
    </message>
    <message>
        <source>{size} to download</source>
        <translation>需下载 {size}</translation>
    </message>
    <message>
        <source>about {size} to download</source>
        <translation>约需下载 {size}</translation>
    </message>
    <message>
        <source>Whether it fits this machine is not known yet.</source>
        <translation>尚不清楚是否适合这台电脑。</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <source>{name}: installed</source>
        <translation>{name}：已安装</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <source>{name}: downloading</source>
        <translation>{name}：正在下载</translation>
    </message>
    <message>
        <source>Download anyway</source>
        <translation>仍然下载</translation>
    </message>
    <message>
        <source>Download {name} anyway</source>
        <translation>仍然下载 {name}</translation>
    </message>
    <message>
        <source>Download {name}</source>
        <translation>下载 {name}</translation>
    </message>
    <message>
        <source>No model in the catalog matches “{search}”.</source>
        <translation>目录中没有与“{search}”匹配的模型。</translation>
    </message>
    <message>
        <source>No model in the catalog matches this filter.</source>
        <translation>目录中没有符合此筛选条件的模型。</translation>
    </message>
    <message>
        <source>The catalog is empty.</source>
        <translation>目录为空。</translation>
    </message>
</context>
<context>
    <name>ChatController</name>
    <message>
        <source>Load a model first: choose one in the bar above (or Open… a .gguf file).</source>
        <translation>请先加载模型：在上方的模型栏中选择一个（或用“打开…”选择 .gguf 文件）。</translation>
    </message>
    <message>
        <source>Mosaic is still answering; wait for it or press Stop (Esc).</source>
        <translation>Mosaic 仍在回答；请稍候，或按“停止”（Esc）。</translation>
    </message>
    <message>
        <source>Could not save to the chat database ({reason}); the answer is still shown, but free some disk space so it can be kept.</source>
        <translation>无法保存到对话数据库（{reason}）；回答仍会显示，但请释放一些磁盘空间以便保存。</translation>
    </message>
    <message>
        <source>Wait a moment: the attached images are still being prepared.</source>
        <translation>请稍候：附加的图片仍在准备中。</translation>
    </message>
    <message>
        <source>Load a model and say hello.</source>
        <translation>加载一个模型，然后打个招呼吧。</translation>
    </message>
    <message>
        <source>This conversation was with {model}, which is no longer on this computer; the model loaded now answers from here on.</source>
        <translation>此对话原本使用 {model}，但它已不在这台电脑上；接下来将由当前加载的模型回答。</translation>
    </message>
    <message>
        <source>{model} cannot see images, so it would answer without looking at them. Put a vision model and its mmproj file in the models folder, or choose this model&apos;s mmproj with Vision… in the model bar.</source>
        <translation>{model} 无法识别图片，回答时不会看这些图片。请将视觉模型及其 mmproj 文件放入模型文件夹，或在模型栏中用“视觉…”为此模型选择 mmproj。</translation>
    </message>
    <message>
        <source>The loaded model cannot see images, so it would answer without looking at them. Put a vision model and its mmproj file in the models folder, or choose this model&apos;s mmproj with Vision… in the model bar.</source>
        <translation>当前加载的模型无法识别图片，回答时不会看这些图片。请将视觉模型及其 mmproj 文件放入模型文件夹，或在模型栏中用“视觉…”为此模型选择 mmproj。</translation>
    </message>
    <message>
        <source>{model} cannot see images, so it would answer without looking at them. Vision models you have: {names}.</source>
        <translation>{model} 无法识别图片，回答时不会看这些图片。你已有的视觉模型：{names}。</translation>
    </message>
    <message>
        <source>The loaded model cannot see images, so it would answer without looking at them. Vision models you have: {names}.</source>
        <translation>当前加载的模型无法识别图片，回答时不会看这些图片。你已有的视觉模型：{names}。</translation>
    </message>
    <message>
        <source>Use {model}</source>
        <translation>使用 {model}</translation>
    </message>
    <message>
        <source>1 earlier message was left out to fit the model&apos;s context.</source>
        <translation>为适应模型的上下文，省略了 1 条较早的消息。</translation>
    </message>
    <message>
        <source>{count} earlier messages were left out to fit the model&apos;s context.</source>
        <translation>为适应模型的上下文，省略了 {count} 条较早的消息。</translation>
    </message>
    <message>
        <source>The answer reached its length limit (Max tokens in Settings, or the context).</source>
        <translation>回答已达到长度上限（设置中的“最大 token 数”，或上下文长度）。</translation>
    </message>
</context>
<context>
    <name>CodeBlockWidget</name>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy this code</source>
        <translation>复制这段代码</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>复制代码</translation>
    </message>
    <message>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>{language} code</source>
        <translation>{language} 代码</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message Mosaic…</source>
        <translation>给 Mosaic 发消息…</translation>
    </message>
    <message>
        <source>Enter sends the message; Shift+Enter starts a new line.</source>
        <translation>按 Enter 发送消息；按 Shift+Enter 换行。</translation>
    </message>
    <message>
        <source>Type a message first.</source>
        <translation>请先输入消息。</translation>
    </message>
    <message>
        <source>Hold the microphone button (or {key}) while you speak, then let go.</source>
        <translation>说话时按住麦克风按钮（或 {key}），说完松开。</translation>
    </message>
    <message>
        <source>Attach images (Ctrl+Shift+A; or drop or paste them)</source>
        <translation>添加图片（Ctrl+Shift+A；也可拖放或粘贴）</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp);;All files (*)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp *.gif *.bmp);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Attach images</source>
        <translation>附加图片</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Hint</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop generating (Esc)</source>
        <translation>停止生成（Esc）</translation>
    </message>
    <message>
        <source>Stop generating</source>
        <translation>停止生成</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Send message (Enter)</source>
        <translation>发送消息（Enter）</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>发送消息</translation>
    </message>
</context>
<context>
    <name>ConversationController</name>
    <message>
        <source>Deleted “{title}”.</source>
        <translation>已删除“{title}”。</translation>
    </message>
</context>
<context>
    <name>ConversationDelegate</name>
    <message>
        <source>New title</source>
        <translation>新标题</translation>
    </message>
</context>
<context>
    <name>ConversationSidebar</name>
    <message>
        <source>Untitled chat</source>
        <translation>未命名对话</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新建对话</translation>
    </message>
    <message>
        <source>Start a new chat ({shortcut})</source>
        <translation>开始新对话（{shortcut}）</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>Search the titles and messages of every chat ({shortcut}); Esc clears</source>
        <translation>搜索所有对话的标题和消息（{shortcut}）；按 Esc 清除</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Arrow keys open a chat; F2 renames it, Delete deletes it, and the Menu key or Shift+F10 shows everything else you can do with it.</source>
        <translation>方向键打开对话；F2 重命名，Delete 删除，菜单键或 Shift+F10 显示其他所有操作。</translation>
    </message>
    <message>
        <source>{title}: {snippet}, {when}</source>
        <extracomment>Read aloud for a search hit: the chat&apos;s title, the matching words, how long ago.</extracomment>
        <translation>{title}：{snippet}，{when}</translation>
    </message>
    <message>
        <source>{title}: {snippet}</source>
        <translation>{title}：{snippet}</translation>
    </message>
    <message>
        <source>{title}, {when}</source>
        <translation>{title}，{when}</translation>
    </message>
    <message>
        <source>No chats yet. Click “New chat” to start one.</source>
        <translation>还没有对话。点击“新建对话”开始吧。</translation>
    </message>
    <message>
        <source>No chats match “{query}”.</source>
        <translation>没有与“{query}”匹配的对话。</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Edit system prompt…</source>
        <translation>编辑系统提示词…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>Download</name>
    <message>
        <source>Downloading {file} needs {needed} but only {free} is free on the disk of {folder}; free some space or choose another models folder in Settings, then try again.</source>
        <translation>下载 {file} 需要 {needed}，但 {folder} 所在磁盘只剩 {free} 可用空间；请腾出一些空间，或在“设置”中选择其他模型文件夹，然后重试。</translation>
    </message>
    <message>
        <source>This download needs {needed} but only {free} is free on the disk of {folder}; free some space or choose another models folder in Settings, then try again.</source>
        <translation>此次下载需要 {needed}，但 {folder} 所在磁盘只剩 {free} 可用空间；请腾出一些空间，或在“设置”中选择其他模型文件夹，然后重试。</translation>
    </message>
    <message>
        <source>Mosaic cannot check {file}: neither its catalog nor {host} gives its checksum, so it was not downloaded; download it yourself and import it.</source>
        <translation>Mosaic 无法校验 {file}：模型目录和 {host} 都没有提供它的校验和，因此未下载；请自行下载后导入。</translation>
    </message>
    <message>
        <source>{host} now offers a different {file} than the one Mosaic expects (its checksum changed), so it was not downloaded; update Mosaic or choose another model.</source>
        <translation>{host} 现在提供的 {file} 与 Mosaic 预期的不同（校验和已改变），因此未下载；请更新 Mosaic 或选择其他模型。</translation>
    </message>
    <message>
        <source>{host} says {file} has {size} bytes but Mosaic expects {expected}, so it was not downloaded; update Mosaic or choose another model.</source>
        <translation>{host} 称 {file} 有 {size} 字节，但 Mosaic 预期为 {expected} 字节，因此未下载；请更新 Mosaic 或选择其他模型。</translation>
    </message>
    <message>
        <source>Mosaic cannot check {file} because no checksum is known for it, so it was not downloaded; download it yourself and import it.</source>
        <translation>Mosaic 无法校验 {file}，因为不知道它的校验和，因此未下载；请自行下载后导入。</translation>
    </message>
    <message>
        <source>{host} could not resume {file} (HTTP 416) even after starting over; try again later.</source>
        <translation>即使从头开始，{host} 也无法继续下载 {file}（HTTP 416）；请稍后重试。</translation>
    </message>
    <message>
        <source>{host} kept redirecting the download of {file} (a redirect loop or too many redirects); try again later or choose another hub in Settings.</source>
        <translation>{host} 不断重定向 {file} 的下载（重定向循环或重定向次数过多）；请稍后重试，或在“设置”中选择其他模型仓库。</translation>
    </message>
    <message>
        <source>The download of {file} stalled (no data for {seconds} seconds); press Resume to continue where it stopped.</source>
        <translation>{file} 的下载停滞了（{seconds} 秒没有收到数据）；按“继续”可从中断处接着下载。</translation>
    </message>
    <message>
        <source>{file} arrived damaged (its checksum does not match), so it was deleted; try the download again.</source>
        <translation>下载的 {file} 已损坏（校验和不匹配），已将其删除；请重新下载。</translation>
    </message>
    <message>
        <source>The connection to {host} dropped while downloading {file}; check the internet connection, then press Resume to continue where it stopped.</source>
        <translation>下载 {file} 时与 {host} 的连接断开了；请检查网络连接，然后按“继续”从中断处接着下载。</translation>
    </message>
    <message>
        <source>{host} announces {got} bytes for {file} instead of {expected}, so nothing was kept; try again later or choose another hub in Settings.</source>
        <translation>{host} 声称 {file} 有 {got} 字节，而不是 {expected} 字节，因此未保留任何内容；请稍后重试，或在“设置”中选择其他模型仓库。</translation>
    </message>
    <message>
        <source>{host} sent {got} bytes for {file} instead of {expected}, so nothing was kept; try again later or choose another hub in Settings.</source>
        <translation>{host} 为 {file} 发送了 {got} 字节，而不是 {expected} 字节，因此未保留任何内容；请稍后重试，或在“设置”中选择其他模型仓库。</translation>
    </message>
    <message>
        <source>The disk is full: {file} could not be written to {folder}; free some space, then press Resume.</source>
        <translation>磁盘已满：无法将 {file} 写入 {folder}；请腾出一些空间，然后按“继续”。</translation>
    </message>
    <message>
        <source>Mosaic may not write to {folder} to save {file}; choose a models folder you can write to in Settings.</source>
        <translation>Mosaic 无权写入 {folder} 来保存 {file}；请在“设置”中选择一个可写入的模型文件夹。</translation>
    </message>
    <message>
        <source>{file} could not be saved in {folder} ({reason}); check that the folder exists and can be written to, or choose another in Settings.</source>
        <translation>无法将 {file} 保存到 {folder}（{reason}）；请确认该文件夹存在且可写入，或在“设置”中另选一个。</translation>
    </message>
</context>
<context>
    <name>DownloadJob</name>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <source>Checking {file}…</source>
        <translation>正在校验 {file}…</translation>
    </message>
    <message>
        <source>Checking the file…</source>
        <translation>正在校验文件…</translation>
    </message>
    <message>
        <source>{size}/s</source>
        <translation>{size}/秒</translation>
    </message>
    <message>
        <source>{duration} left</source>
        <translation>剩余 {duration}</translation>
    </message>
    <message>
        <source>Waiting for another download to finish · {amount}</source>
        <translation>正在等待其他下载完成 · {amount}</translation>
    </message>
    <message>
        <source>Paused · {amount}</source>
        <translation>已暂停 · {amount}</translation>
    </message>
    <message>
        <source>The download failed.</source>
        <translation>下载失败。</translation>
    </message>
    <message>
        <source>Ready · {size}</source>
        <translation>已就绪 · {size}</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>DownloadRow</name>
    <message>
        <source>Download of {name}</source>
        <translation>{name} 的下载</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause download of {name}</source>
        <translation>暂停下载 {name}</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Resume download of {name}</source>
        <translation>继续下载 {name}</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>从列表中移除</translation>
    </message>
    <message>
        <source>Remove {name} from the list</source>
        <translation>从列表中移除 {name}</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel download of {name}</source>
        <translation>取消下载 {name}</translation>
    </message>
    <message>
        <source>Stop and delete what was downloaded</source>
        <translation>停止并删除已下载的部分</translation>
    </message>
    <message>
        <source>Download progress of {name}</source>
        <translation>{name} 的下载进度</translation>
    </message>
</context>
<context>
    <name>DownloadsIndicator</name>
    <message>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Show the downloads</source>
        <translation>显示下载</translation>
    </message>
    <message>
        <source>Downloading 1 model · {percent} %</source>
        <translation>正在下载 1 个模型 · {percent}%</translation>
    </message>
    <message>
        <source>Downloading {count} models · {percent} %</source>
        <translation>正在下载 {count} 个模型 · {percent}%</translation>
    </message>
    <message>
        <source>1 download failed</source>
        <translation>1 个下载失败</translation>
    </message>
    <message>
        <source>{count} downloads failed</source>
        <translation>{count} 个下载失败</translation>
    </message>
    <message>
        <source>1 download paused</source>
        <translation>1 个下载已暂停</translation>
    </message>
    <message>
        <source>{count} downloads paused</source>
        <translation>{count} 个下载已暂停</translation>
    </message>
</context>
<context>
    <name>DownloadsView</name>
    <message>
        <source>No downloads. Models you download from the catalog appear here, and keep downloading while you chat.</source>
        <translation>没有下载任务。从目录下载的模型会显示在这里，对话时也会继续下载。</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
</context>
<context>
    <name>DropOverlay</name>
    <message>
        <source>Drop images to attach, or recordings to transcribe</source>
        <translation>拖放图片以附加，或拖放录音以转写</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} 秒</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes} 分钟</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min</source>
        <translation>{hours} 小时 {minutes} 分钟</translation>
    </message>
</context>
<context>
    <name>GlobalShortcut</name>
    <message>
        <source>Wayland does not let applications take global keys; bind the command `mosaic` to a key in your desktop&apos;s keyboard settings — starting {app} again shows its window.</source>
        <translation>Wayland 不允许应用程序占用全局快捷键；请在桌面的键盘设置中为命令 `mosaic` 绑定一个按键——再次启动 {app} 会显示它的窗口。</translation>
    </message>
    <message>
        <source>{app} cannot take a global key on this system yet; starting {app} again shows its window.</source>
        <translation>{app} 暂时无法在此系统上使用全局快捷键；再次启动 {app} 会显示它的窗口。</translation>
    </message>
    <message>
        <source>“{key}” is not a key combination {app} can use; choose one like Ctrl+Alt+M.</source>
        <translation>“{key}”不是 {app} 能使用的组合键；请选择类似 Ctrl+Alt+M 的组合。</translation>
    </message>
    <message>
        <source>{key} shows {app} from any application.</source>
        <translation>在任何应用中按 {key} 都可显示 {app}。</translation>
    </message>
    <message>
        <source>The X11 library (libX11) is missing, so {app} cannot take a global key; install libx11-6, or start {app} again to show its window.</source>
        <translation>缺少 X11 库（libX11），{app} 无法使用全局快捷键；请安装 libx11-6，或再次启动 {app} 以显示它的窗口。</translation>
    </message>
    <message>
        <source>{app} could not connect to the X display for a global key; starting {app} again shows its window.</source>
        <translation>{app} 无法连接到 X 显示服务来使用全局快捷键；再次启动 {app} 会显示它的窗口。</translation>
    </message>
    <message>
        <source>“{key}” is not on this keyboard, so {app} cannot take it as a global key; choose another combination.</source>
        <translation>这个键盘上没有“{key}”，{app} 无法将其用作全局快捷键；请选择其他组合。</translation>
    </message>
    <message>
        <source>{key} is taken by another application, so it cannot show {app}; free it there or in your desktop&apos;s keyboard settings.</source>
        <translation>{key} 已被其他应用程序占用，无法用来显示 {app}；请在该应用或桌面的键盘设置中释放它。</translation>
    </message>
    <message>
        <source>The X server refused {key} as a global key; starting {app} again shows its window.</source>
        <translation>X 服务器拒绝将 {key} 用作全局快捷键；再次启动 {app} 会显示它的窗口。</translation>
    </message>
</context>
<context>
    <name>Hub</name>
    <message>
        <source>“{address}” is not a hub address; enter one that starts with https://, for example {example}.</source>
        <translation>“{address}”不是模型仓库地址；请输入以 https:// 开头的地址，例如 {example}。</translation>
    </message>
    <message>
        <source>“{address}” is not a plain hub address; enter only the address of the site, for example {example}.</source>
        <translation>“{address}”不是单纯的模型仓库地址；请只输入网站的地址，例如 {example}。</translation>
    </message>
    <message>
        <source>{host} kept redirecting the download (a redirect loop or too many redirects); try again later or choose another hub in Settings.</source>
        <translation>{host} 不断重定向下载（重定向循环或重定向次数过多）；请稍后重试，或在“设置”中选择其他模型仓库。</translation>
    </message>
    <message>
        <source>{host} did not answer in time while fetching {file}; check the internet connection (and the proxy or hub in Settings), then try again.</source>
        <translation>获取 {file} 时 {host} 未能及时响应；请检查网络连接（以及“设置”中的代理或模型仓库），然后重试。</translation>
    </message>
    <message>
        <source>{host} could not be found (no internet connection or DNS trouble?) while fetching {file}; check the internet connection (and the proxy or hub in Settings), then try again.</source>
        <translation>获取 {file} 时找不到 {host}（没有网络连接或 DNS 出了问题？）；请检查网络连接（以及“设置”中的代理或模型仓库），然后重试。</translation>
    </message>
    <message>
        <source>{host} refused the connection while fetching {file}; check the internet connection (and the proxy or hub in Settings), then try again.</source>
        <translation>获取 {file} 时 {host} 拒绝了连接；请检查网络连接（以及“设置”中的代理或模型仓库），然后重试。</translation>
    </message>
    <message>
        <source>{host} could not be reached ({reason}) while fetching {file}; check the internet connection (and the proxy or hub in Settings), then try again.</source>
        <translation>获取 {file} 时无法连接到 {host}（{reason}）；请检查网络连接（以及“设置”中的代理或模型仓库），然后重试。</translation>
    </message>
    <message>
        <source>{file} was not found on {host} (HTTP {status}); it may have been moved or removed, so choose another model or another hub in Settings.</source>
        <translation>在 {host} 上找不到 {file}（HTTP {status}）；它可能已被移动或删除，请选择其他模型，或在“设置”中选择其他模型仓库。</translation>
    </message>
    <message>
        <source>{host} refused access to {file} (HTTP {status}); the model may require signing in and accepting its license on the website, so download it there and import it instead.</source>
        <translation>{host} 拒绝访问 {file}（HTTP {status}）；该模型可能需要在网站上登录并接受其许可协议，请在网站上下载后导入。</translation>
    </message>
    <message>
        <source>{host} failed to send {file} (HTTP {status}); try again in a few minutes.</source>
        <translation>{host} 未能发送 {file}（HTTP {status}）；请过几分钟再试。</translation>
    </message>
    <message>
        <source>{host} answered HTTP {status} for {file}; try again later or choose another hub in Settings.</source>
        <translation>{host} 对 {file} 返回了 HTTP {status}；请稍后重试，或在“设置”中选择其他模型仓库。</translation>
    </message>
    <message>
        <source>{host} sent a web page instead of {file} (a network login or captive portal?); sign in to the network in a web browser, then try again.</source>
        <translation>{host} 发来的是网页而不是 {file}（需要网络登录或认证门户？）；请在网页浏览器中登录网络，然后重试。</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>This image&apos;s file is missing from Mosaic&apos;s data folder; attach the image again to see it.</source>
        <translation>Mosaic 数据文件夹中缺少这张图片的文件；请重新附加图片以查看。</translation>
    </message>
    <message>
        <source>Mosaic can&apos;t show this file because it is damaged or not an image; attach the original image again.</source>
        <translation>Mosaic 无法显示此文件，因为它已损坏或不是图片；请重新附加原始图片。</translation>
    </message>
    <message>
        <source>+ / − zoom, 1 actual size, 0 fit to the window, Esc closes</source>
        <translation>+ / − 缩放，1 实际大小，0 适应窗口，Esc 关闭</translation>
    </message>
</context>
<context>
    <name>Images</name>
    <message>
        <source>{file} is not a file; choose an image file instead.</source>
        <translation>{file} 不是文件；请改为选择一个图片文件。</translation>
    </message>
    <message>
        <source>{file} could not be read ({reason}); check that the file still exists and that you may open it, then try again.</source>
        <translation>无法读取 {file}（{reason}）；请确认该文件仍然存在且你有权打开它，然后重试。</translation>
    </message>
    <message>
        <source>Animated {format}: only the first frame is used.</source>
        <translation>动态 {format}：只使用第一帧。</translation>
    </message>
    <message>
        <source>The image</source>
        <translation>该图片</translation>
    </message>
    <message>
        <source>{file} is {size}, more than the {limit} Mosaic reads; save a smaller copy of it and attach that instead.</source>
        <translation>{file} 大小为 {size}，超过了 Mosaic 可读取的 {limit}；请另存一个更小的副本并附加它。</translation>
    </message>
    <message>
        <source>{file} is too large to open with the memory available; attach a smaller copy of it.</source>
        <translation>{file} 太大，现有内存无法打开；请附加一个更小的副本。</translation>
    </message>
    <message>
        <source>{file} is not an image Mosaic can read; attach a {formats} file.</source>
        <translation>{file} 不是 Mosaic 能读取的图片；请附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{format} is not an image format Mosaic reads.</source>
        <translation>{format} 不是 Mosaic 能读取的图片格式。</translation>
    </message>
    <message>
        <source>PNG, JPEG, WebP, GIF or BMP</source>
        <translation>PNG、JPEG、WebP、GIF 或 BMP</translation>
    </message>
    <message>
        <source>{file} is a PDF document, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是PDF 文档，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is a Photoshop document, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是Photoshop 文档，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is a JPEG XL image, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是JPEG XL 图片，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is a HEIC image, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是HEIC 图片，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is an AVIF image, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是AVIF 图片，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is an SVG drawing, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是SVG 矢量图，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is a TIFF image, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是TIFF 图片，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is a Windows icon, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是Windows 图标，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is a macOS icon, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是macOS 图标，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is a JPEG 2000 image, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是JPEG 2000 图片，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is an EPS document, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是EPS 文档，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is a DirectDraw texture, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是DirectDraw 纹理，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is a TGA image, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是TGA 图片，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is a PPM image, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是PPM 图片，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is a PCX image, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是PCX 图片，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} is an image in {format} format, which Mosaic cannot read; convert it to PNG or JPEG, or attach a {formats} file.</source>
        <translation>{file} 是{format} 格式的图片，Mosaic 无法读取；请将其转换为 PNG 或 JPEG，或附加 {formats} 文件。</translation>
    </message>
    <message>
        <source>{file} has too many pixels to open safely (Mosaic reads up to {limit} megapixels); scale it down and attach it again.</source>
        <translation>{file} 像素过多，无法安全打开（Mosaic 最多读取 {limit} 百万像素）；请缩小后重新附加。</translation>
    </message>
    <message>
        <source>{file} has too many pixels to open safely ({pixels} megapixels; Mosaic reads up to {limit} megapixels); scale it down and attach it again.</source>
        <translation>{file} 像素过多，无法安全打开（{pixels} 百万像素；Mosaic 最多读取 {limit} 百万像素）；请缩小后重新附加。</translation>
    </message>
    <message>
        <source>{file} is damaged or incomplete (its header cannot be read); save it again or choose another image.</source>
        <translation>{file} 已损坏或不完整（无法读取其文件头）；请重新保存，或选择其他图片。</translation>
    </message>
    <message>
        <source>{file} is damaged or incomplete ({reason}); save it again or choose another image.</source>
        <translation>{file} 已损坏或不完整（{reason}）；请重新保存，或选择其他图片。</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Vision projector</source>
        <translation>视觉投影器</translation>
    </message>
    <message>
        <source>Speech model</source>
        <translation>语音模型</translation>
    </message>
    <message>
        <source>Language model</source>
        <translation>语言模型</translation>
    </message>
    <message>
        <source>Import models</source>
        <translation>导入模型</translation>
    </message>
    <message>
        <source>Models found</source>
        <translation>找到的模型</translation>
    </message>
    <message>
        <source>The files that Import adds to Mosaic</source>
        <translation>“导入”将添加到 Mosaic 的文件</translation>
    </message>
    <message>
        <source>Files Mosaic cannot use</source>
        <translation>Mosaic 无法使用的文件</translation>
    </message>
    <message>
        <source>&amp;Copy into Mosaic&apos;s models folder ({size}; the original can then be moved or deleted)</source>
        <translation>复制到 Mosaic 的模型文件夹（{size}；之后可以移动或删除原文件）(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Link to the file where it is (no copy; keep the file there)</source>
        <translation>链接到原位置的文件（不复制；请保留该文件）(&amp;L)</translation>
    </message>
    <message>
        <source>Models folder: {folder}</source>
        <translation>模型文件夹：{folder}</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>Mosaic cannot use these files:</source>
        <translation>Mosaic 无法使用这些文件：</translation>
    </message>
    <message>
        <source>Mosaic found 1 model file it can use:</source>
        <translation>Mosaic 找到 1 个可用的模型文件：</translation>
    </message>
    <message>
        <source>Mosaic found {count} model files it can use:</source>
        <translation>Mosaic 找到 {count} 个可用的模型文件：</translation>
    </message>
</context>
<context>
    <name>InstalledModelsView</name>
    <message>
        <source>No models yet. Download one from the catalog or import a file you already have.</source>
        <translation>还没有模型。请从目录下载一个，或导入你已有的文件。</translation>
    </message>
    <message>
        <source>for questions about images</source>
        <translation>用于图片问答</translation>
    </message>
    <message>
        <source>for speech</source>
        <translation>用于语音</translation>
    </message>
    <message>
        <source>for chat</source>
        <translation>用于对话</translation>
    </message>
    <message>
        <source>Default for chat and images</source>
        <translation>对话和图片的默认模型</translation>
    </message>
    <message>
        <source>Default for chat</source>
        <translation>默认对话模型</translation>
    </message>
    <message>
        <source>Default for images</source>
        <translation>默认图片模型</translation>
    </message>
    <message>
        <source>Default for speech</source>
        <translation>默认语音模型</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>系列</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Installed models</source>
        <translation>已安装的模型</translation>
    </message>
    <message>
        <source>Press Delete to delete the selected model.</source>
        <translation>按 Delete 删除所选模型。</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Delete the selected model&apos;s files from this computer (Delete)</source>
        <translation>从这台电脑上删除所选模型的文件（Delete）</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Open the folder that holds the selected model</source>
        <translation>打开存放所选模型的文件夹</translation>
    </message>
    <message>
        <source>Set as default</source>
        <translation>设为默认</translation>
    </message>
    <message>
        <source>Use the selected model for chat, for questions about images, or for speech</source>
        <translation>将所选模型用于对话、图片问答或语音</translation>
    </message>
    <message>
        <source>Import files…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <source>Add .gguf models, vision projectors or Whisper .pt checkpoints you already have</source>
        <translation>添加你已有的 .gguf 模型、视觉投影器或 Whisper .pt 检查点</translation>
    </message>
    <message>
        <source>1 model · {size} on disk in {folder}</source>
        <translation>1 个模型 · 在 {folder} 中占用 {size}</translation>
    </message>
    <message>
        <source>{count} models · {size} on disk in {folder}</source>
        <translation>{count} 个模型 · 在 {folder} 中占用 {size}</translation>
    </message>
    <message>
        <source>1 model · {size} on disk</source>
        <translation>1 个模型 · 占用 {size}</translation>
    </message>
    <message>
        <source>{count} models · {size} on disk</source>
        <translation>{count} 个模型 · 占用 {size}</translation>
    </message>
    <message>
        <source>Vision projector: {file}</source>
        <translation>视觉投影器：{file}</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
</context>
<context>
    <name>LevelMeter</name>
    <message>
        <source>Microphone level</source>
        <translation>麦克风音量</translation>
    </message>
</context>
<context>
    <name>MachineFit</name>
    <message>
        <source>Not enough disk space: the {download} download does not fit in the {free} free where models are kept; free some space first.</source>
        <translation>磁盘空间不足：需要下载 {download}，但存放模型的位置只剩 {free} 可用空间；请先腾出一些空间。</translation>
    </message>
    <message>
        <source>Needs about {need}; fits in the GPU&apos;s {vram} ({gpu}).</source>
        <translation>约需 {need}；GPU 的 {vram} 显存（{gpu}）足够容纳。</translation>
    </message>
    <message>
        <source>Needs about {need}; fits in the GPU&apos;s {vram}.</source>
        <translation>约需 {need}；GPU 的 {vram} 显存足够容纳。</translation>
    </message>
    <message>
        <source>Needs about {need} of memory; this machine&apos;s memory is unknown, so check that it has that much.</source>
        <translation>约需 {need} 内存；无法得知本机内存大小，请确认本机有这么多内存。</translation>
    </message>
    <message>
        <source>Needs about {need}; fits in this machine&apos;s {memory} of memory.</source>
        <translation>约需 {need}；本机的 {memory} 内存足够容纳。</translation>
    </message>
    <message>
        <source>Tight: needs about {need} of the GPU&apos;s {vram} ({gpu}); close other programs that use the GPU first.</source>
        <translation>较紧张：约需 GPU 的 {vram} 显存（{gpu}）中的 {need}；请先关闭其他使用 GPU 的程序。</translation>
    </message>
    <message>
        <source>Tight: needs about {need} of the GPU&apos;s {vram}; close other programs that use the GPU first.</source>
        <translation>较紧张：约需 GPU 的 {vram} 显存中的 {need}；请先关闭其他使用 GPU 的程序。</translation>
    </message>
    <message>
        <source>Tight: needs about {need} of this machine&apos;s {memory} of memory; close other programs before using it.</source>
        <translation>较紧张：约需本机 {memory} 内存中的 {need}；使用前请关闭其他程序。</translation>
    </message>
    <message>
        <source>Too big: needs about {need}, this machine has {memory} of memory.</source>
        <translation>太大：约需 {need}，而本机只有 {memory} 内存。</translation>
    </message>
    <message>
        <source>{size} memory</source>
        <translation>{size} 内存</translation>
    </message>
    <message>
        <source>memory unknown</source>
        <translation>内存大小未知</translation>
    </message>
    <message>
        <source>{gpu} ({size})</source>
        <translation>{gpu}（{size}）</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>no GPU found</source>
        <translation>未找到 GPU</translation>
    </message>
    <message>
        <source>{size} free for models</source>
        <translation>{size} 可用于存放模型</translation>
    </message>
    <message>
        <source>This computer: {parts}</source>
        <translation>本机：{parts}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>New chat</source>
        <translation>新建对话</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>Open model…</source>
        <translation>打开模型…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Installed models…</source>
        <translation>已安装的模型…</translation>
    </message>
    <message>
        <source>Get models…</source>
        <translation>获取模型…</translation>
    </message>
    <message>
        <source>Import model files…</source>
        <translation>导入模型文件…</translation>
    </message>
    <message>
        <source>Downloads…</source>
        <translation>下载…</translation>
    </message>
    <message>
        <source>&amp;Models</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>Attach images…</source>
        <translation>添加图片…</translation>
    </message>
    <message>
        <source>Go to the message box</source>
        <translation>转到消息输入框</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>对话(&amp;C)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Open data folder</source>
        <translation>打开数据文件夹</translation>
    </message>
    <message>
        <source>About Mosaic</source>
        <translation>关于 Mosaic</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
</context>
<context>
    <name>MessageAudio</name>
    <message>
        <source>Play the recording</source>
        <translation>播放录音</translation>
    </message>
    <message>
        <source>Stop playing the recording</source>
        <translation>停止播放录音</translation>
    </message>
    <message>
        <source>The recording&apos;s file is missing, so it cannot be played.</source>
        <translation>录音文件丢失，无法播放。</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>录音</translation>
    </message>
    <message>
        <source>Length {duration}</source>
        <translation>时长 {duration}</translation>
    </message>
    <message>
        <source>Stop playing</source>
        <translation>停止播放</translation>
    </message>
    <message>
        <source>Play what you said</source>
        <translation>播放你说的话</translation>
    </message>
</context>
<context>
    <name>MessageImages</name>
    <message>
        <source>{size} bytes</source>
        <translation>{size} 字节</translation>
    </message>
    <message>
        <source>{size} KB</source>
        <translation>{size} KB</translation>
    </message>
    <message>
        <source>{size} MB</source>
        <translation>{size} MB</translation>
    </message>
    <message>
        <source>Attached images</source>
        <translation>附加的图片</translation>
    </message>
    <message>
        <source>Open {name}</source>
        <translation>打开 {name}</translation>
    </message>
    <message>
        <source>The preview could not be read.</source>
        <translation>无法读取预览。</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Load a model and say hello.</source>
        <translation>加载一个模型，然后打个招呼吧。</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
</context>
<context>
    <name>MessageWidget</name>
    <message>
        <source>Interrupted — Mosaic closed before this answer was finished</source>
        <translation>已中断——Mosaic 在这条回答完成前关闭了</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Writing…</source>
        <translation>正在输入…</translation>
    </message>
    <message>
        <source>This answer failed. Try again, or load the model again.</source>
        <translation>这条回答失败了。请重试，或重新加载模型。</translation>
    </message>
    <message>
        <source>{seconds} s to first token</source>
        <translation>首个 token 用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>{rate} tokens/s</source>
        <translation>{rate} token/秒</translation>
    </message>
    <message>
        <source>Your message</source>
        <translation>你的消息</translation>
    </message>
    <message>
        <source>Assistant&apos;s answer</source>
        <translation>助手的回答</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>复制消息</translation>
    </message>
    <message>
        <source>Copy the whole message</source>
        <translation>复制整条消息</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit message</source>
        <translation>编辑消息</translation>
    </message>
    <message>
        <source>Edit this message and send it again</source>
        <translation>编辑这条消息并重新发送</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Regenerate answer</source>
        <translation>重新生成回答</translation>
    </message>
    <message>
        <source>Write this answer again</source>
        <translation>重新写这条回答</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Ctrl+Enter saves and sends again; Esc cancels</source>
        <translation>Ctrl+Enter 保存并重新发送；Esc 取消</translation>
    </message>
    <message>
        <source>Type a message first.</source>
        <translation>请先输入消息。</translation>
    </message>
    <message>
        <source>Save &amp;&amp; resend</source>
        <translation>保存并重新发送</translation>
    </message>
    <message>
        <source>Save and resend</source>
        <translation>保存并重新发送</translation>
    </message>
    <message>
        <source>Save the edit and answer it again (Ctrl+Enter)</source>
        <translation>保存修改并重新回答（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel editing</source>
        <translation>取消编辑</translation>
    </message>
    <message>
        <source>Keep the message as it was (Esc)</source>
        <translation>保留原消息（Esc）</translation>
    </message>
</context>
<context>
    <name>MicButton</name>
    <message>
        <source>Hold to talk</source>
        <translation>按住说话</translation>
    </message>
    <message>
        <source>Hold to talk ({key})</source>
        <translation>按住说话（{key}）</translation>
    </message>
    <message>
        <source>Recording… let go to send; Esc cancels</source>
        <translation>正在录音…松开即发送；Esc 取消</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>录音</translation>
    </message>
</context>
<context>
    <name>ModelController</name>
    <message>
        <source>sees images</source>
        <translation>能识图</translation>
    </message>
    <message>
        <source>Could not save your settings ({reason}).</source>
        <translation>无法保存设置（{reason}）。</translation>
    </message>
    <message>
        <source>GPU ({layers} layers)</source>
        <translation>GPU（{layers} 层）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>1 thread</source>
        <translation>1 个线程</translation>
    </message>
    <message>
        <source>{count} threads</source>
        <translation>{count} 个线程</translation>
    </message>
    <message>
        <source>{context} ctx · {threads} · {device} · sees images</source>
        <extracomment>The loaded model&apos;s setup: context size in tokens, CPU threads, CPU or GPU.</extracomment>
        <translation>上下文 {context} · {threads} · {device} · 能识图</translation>
    </message>
    <message>
        <source>{context} ctx · {threads} · {device}</source>
        <translation>上下文 {context} · {threads} · {device}</translation>
    </message>
    <message>
        <source>{problem} Loading the model without image support.</source>
        <translation>{problem} 将在不支持图片的情况下加载模型。</translation>
    </message>
    <message>
        <source>still loaded</source>
        <translation>仍已加载</translation>
    </message>
    <message>
        <source>Could not save your settings ({reason}); free some disk space and try again.</source>
        <translation>无法保存设置（{reason}）；请释放一些磁盘空间后重试。</translation>
    </message>
    <message>
        <source>Context size, threads and GPU layers apply the next time a model is loaded: click Load to reload it now.</source>
        <translation>上下文大小、线程数和 GPU 层数在下次加载模型时生效：点击“加载”可立即重新加载。</translation>
    </message>
</context>
<context>
    <name>ModelFile</name>
    <message>
        <source>vision projector</source>
        <translation>视觉投影器</translation>
    </message>
    <message>
        <source>{tokens} context</source>
        <translation>{tokens} 上下文</translation>
    </message>
    <message>
        <source>{count} bytes</source>
        <translation>{count} 字节</translation>
    </message>
    <message>
        <source>{path} is a folder, not a model file; pick a .gguf file.</source>
        <translation>{path} 是文件夹，不是模型文件；请选择一个 .gguf 文件。</translation>
    </message>
    <message>
        <source>{file} is empty (0 bytes); the download or copy failed, so download it again.</source>
        <translation>{file} 是空文件（0 字节）；下载或复制失败了，请重新下载。</translation>
    </message>
    <message>
        <source>The model file {path} does not exist; it may have been moved or deleted, so choose it again.</source>
        <translation>模型文件 {path} 不存在；它可能已被移动或删除，请重新选择。</translation>
    </message>
    <message>
        <source>Mosaic is not allowed to read {file}; check the file&apos;s permissions.</source>
        <translation>Mosaic 无权读取 {file}；请检查该文件的权限。</translation>
    </message>
    <message>
        <source>Mosaic could not read {file} ({reason}); check that the disk is attached and the file is readable.</source>
        <translation>Mosaic 无法读取 {file}（{reason}）；请确认磁盘已连接且该文件可读。</translation>
    </message>
    <message>
        <source>{file} is a big-endian GGUF file, which this computer cannot run; download the standard (little-endian) version of the model.</source>
        <translation>{file} 是大端序 GGUF 文件，本机无法运行；请下载该模型的标准（小端序）版本。</translation>
    </message>
    <message>
        <source>{file} uses GGUF version {version}, which Mosaic cannot read (it reads versions 2 and 3); download a current .gguf file of this model.</source>
        <translation>{file} 使用 GGUF 版本 {version}，Mosaic 无法读取（只能读取版本 2 和 3）；请下载该模型当前的 .gguf 文件。</translation>
    </message>
    <message>
        <source>{file} is incomplete (it ends after {size} bytes, partway through its header): the download or copy was cut short; download it again.</source>
        <translation>{file} 不完整（在 {size} 字节处结束，文件头尚未读完）：下载或复制中途中断了；请重新下载。</translation>
    </message>
    <message>
        <source>{file} is damaged ({reason}), so it cannot be loaded; download it again.</source>
        <translation>{file} 已损坏（{reason}），无法加载；请重新下载。</translation>
    </message>
    <message>
        <source>{file} stores weights in a format (type {type}) that this version of Mosaic does not know; update Mosaic or choose another quantization.</source>
        <translation>{file} 以此版本 Mosaic 不认识的格式（类型 {type}）存储权重；请更新 Mosaic 或选择其他量化版本。</translation>
    </message>
    <message>
        <source>{file} is incomplete ({size} of {expected} bytes): the download or copy was cut short; download it again.</source>
        <translation>{file} 不完整（{size} / {expected} 字节）：下载或复制中途中断了；请重新下载。</translation>
    </message>
    <message>
        <source>{file} is an old GGML model file, which current llama.cpp cannot load; download the GGUF version of this model.</source>
        <translation>{file} 是旧的 GGML 模型文件，当前的 llama.cpp 无法加载；请下载该模型的 GGUF 版本。</translation>
    </message>
    <message>
        <source>{file} is not a GGUF model file (it starts with &quot;{start}&quot;); pick a .gguf file.</source>
        <translation>{file} 不是 GGUF 模型文件（其开头为“{start}”）；请选择一个 .gguf 文件。</translation>
    </message>
    <message>
        <source>{file} does not say which model architecture it is (general.architecture is missing), so it cannot be loaded; choose a model file from a trusted source.</source>
        <translation>{file} 没有说明它是哪种模型架构（缺少 general.architecture），无法加载；请选择来源可信的模型文件。</translation>
    </message>
    <message>
        <source>{name} needs about {needed} of memory but only {free} is free; close other programs, lower the context size, or choose a smaller quantization.</source>
        <translation>{name} 需要约 {needed} 内存，但只有 {free} 可用；请关闭其他程序、减小上下文长度，或选择更小的量化版本。</translation>
    </message>
    <message>
        <source>{name} uses the &apos;{architecture}&apos; architecture, which this version of llama.cpp cannot run; update Mosaic or choose another model.</source>
        <translation>{name} 使用“{architecture}”架构，此版本的 llama.cpp 无法运行；请更新 Mosaic 或选择其他模型。</translation>
    </message>
</context>
<context>
    <name>ModelImport</name>
    <message>
        <source>{path} is a folder; choose the model file inside it (a .gguf or .pt file).</source>
        <translation>{path} 是一个文件夹；请选择其中的模型文件（.gguf 或 .pt 文件）。</translation>
    </message>
    <message>
        <source>{file} is an unfinished download; let the download finish (or download the model again), then import the finished file.</source>
        <translation>{file} 是尚未完成的下载；请等待下载完成（或重新下载模型），然后导入完整的文件。</translation>
    </message>
    <message>
        <source>{path} does not exist; it may have been moved or deleted, so choose it again.</source>
        <translation>{path} 不存在，可能已被移动或删除；请重新选择。</translation>
    </message>
    <message>
        <source>Mosaic is not allowed to read {file}; check the file&apos;s permissions.</source>
        <translation>Mosaic 无权读取 {file}；请检查该文件的权限。</translation>
    </message>
    <message>
        <source>Mosaic could not read {file} ({reason}); check that the disk is attached and the file is readable.</source>
        <translation>Mosaic 无法读取 {file}（{reason}）；请确认磁盘已连接且文件可读。</translation>
    </message>
    <message>
        <source>{file} is empty (0 bytes); the download or copy failed, so get the file again.</source>
        <translation>{file} 是空文件（0 字节），下载或复制失败了；请重新获取该文件。</translation>
    </message>
    <message>
        <source>{file} is a zip archive, not a model file; unpack it and import the .gguf or .pt file inside.</source>
        <translation>{file} 是 zip 压缩包，不是模型文件；请解压后导入其中的 .gguf 或 .pt 文件。</translation>
    </message>
    <message>
        <source>{file} is an audio projector; Mosaic imports vision projectors only, so choose the vision mmproj file of your model.</source>
        <translation>{file} 是音频投影器；Mosaic 只导入视觉投影器，请选择你的模型对应的视觉 mmproj 文件。</translation>
    </message>
    <message>
        <source>{file} is damaged ({damage}), so llama.cpp cannot use it; download the mmproj file again.</source>
        <translation>{file} 已损坏（{damage}），llama.cpp 无法使用；请重新下载该 mmproj 文件。</translation>
    </message>
    <message>
        <source>vision projector for {width}-wide models ({family})</source>
        <translation>适用于 {width} 维模型的视觉投影器（{family}）</translation>
    </message>
    <message>
        <source>vision projector for {width}-wide models</source>
        <translation>适用于 {width} 维模型的视觉投影器</translation>
    </message>
    <message>
        <source>vision projector ({family})</source>
        <translation>视觉投影器（{family}）</translation>
    </message>
    <message>
        <source>vision projector</source>
        <translation>视觉投影器</translation>
    </message>
    <message>
        <source>{file} is an image ({format}), not a model file; choose a .gguf model, an mmproj .gguf projector or a Whisper .pt checkpoint.</source>
        <translation>{file} 是图片（{format}），不是模型文件；请选择 .gguf 模型、mmproj .gguf 投影器或 Whisper .pt 检查点。</translation>
    </message>
    <message>
        <source>{file} is a sound recording (WAV), not a model file; choose a .gguf model, an mmproj .gguf projector or a Whisper .pt checkpoint.</source>
        <translation>{file} 是录音（WAV），不是模型文件；请选择 .gguf 模型、mmproj .gguf 投影器或 Whisper .pt 检查点。</translation>
    </message>
    <message>
        <source>{file} is a PDF document, not a model file; choose a .gguf model, an mmproj .gguf projector or a Whisper .pt checkpoint.</source>
        <translation>{file} 是 PDF 文档，不是模型文件；请选择 .gguf 模型、mmproj .gguf 投影器或 Whisper .pt 检查点。</translation>
    </message>
    <message>
        <source>{file} is a safetensors file, which llama.cpp cannot run; convert it to GGUF first (llama.cpp&apos;s convert_hf_to_gguf.py) or download a GGUF version of the model.</source>
        <translation>{file} 是 safetensors 文件，llama.cpp 无法运行；请先将其转换为 GGUF（使用 llama.cpp 的 convert_hf_to_gguf.py），或下载该模型的 GGUF 版本。</translation>
    </message>
    <message>
        <source>{file} is a web page, not a model file (a download that saved an error or login page); download the model again.</source>
        <translation>{file} 是网页，不是模型文件（下载时保存成了错误页或登录页）；请重新下载模型。</translation>
    </message>
    <message>
        <source>{file} is a text file, not a model file; choose a .gguf model, an mmproj .gguf projector or a Whisper .pt checkpoint.</source>
        <translation>{file} 是文本文件，不是模型文件；请选择 .gguf 模型、mmproj .gguf 投影器或 Whisper .pt 检查点。</translation>
    </message>
    <message>
        <source>{file} is not a model file Mosaic can import (it starts with &quot;{start}&quot;); choose a .gguf model, an mmproj .gguf projector or a Whisper .pt checkpoint.</source>
        <translation>{file} 不是 Mosaic 能导入的模型文件（其开头为“{start}”）；请选择 .gguf 模型、mmproj .gguf 投影器或 Whisper .pt 检查点。</translation>
    </message>
    <message>
        <source>Importing needs {needed} but only {free} is free on {where}; free some space, or link the files instead of copying them.</source>
        <translation>导入需要 {needed}，但 {where} 只剩 {free} 可用空间；请腾出一些空间，或改为链接文件而非复制。</translation>
    </message>
    <message>
        <source>{file} is no longer at {folder}; choose it again.</source>
        <translation>{file} 已不在 {folder} 中；请重新选择。</translation>
    </message>
    <message>
        <source>Mosaic could not link {file} into {folder} ({reason}); import a copy instead.</source>
        <translation>Mosaic 无法将 {file} 链接到 {folder}（{reason}）；请改为导入副本。</translation>
    </message>
    <message>
        <source>The disk holding {folder} is full, so {file} could not be imported; free some space, or link the file instead of copying it.</source>
        <translation>{folder} 所在的磁盘已满，无法导入 {file}；请腾出一些空间，或改为链接文件而非复制。</translation>
    </message>
    <message>
        <source>Mosaic is not allowed to write in {folder}; check the folder&apos;s permissions or choose another models folder.</source>
        <translation>Mosaic 无权写入 {folder}；请检查该文件夹的权限，或选择其他模型文件夹。</translation>
    </message>
    <message>
        <source>Mosaic could not import {file} into {folder} ({reason}); check the disk and try again.</source>
        <translation>Mosaic 无法将 {file} 导入到 {folder}（{reason}）；请检查磁盘后重试。</translation>
    </message>
</context>
<context>
    <name>ModelImportFlow</name>
    <message>
        <source>Model files (*.gguf *.pt)</source>
        <translation>模型文件 (*.gguf *.pt)</translation>
    </message>
    <message>
        <source>GGUF models and projectors (*.gguf)</source>
        <translation>GGUF 模型和投影器 (*.gguf)</translation>
    </message>
    <message>
        <source>Whisper checkpoints (*.pt)</source>
        <translation>Whisper 检查点 (*.pt)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Mosaic could not read it ({reason}).</source>
        <translation>Mosaic 无法读取它（{reason}）。</translation>
    </message>
    <message>
        <source>Import model files</source>
        <translation>导入模型文件</translation>
    </message>
    <message>
        <source>An import is still running; wait for it to finish.</source>
        <translation>仍有导入在进行中；请等待它完成。</translation>
    </message>
    <message>
        <source>Checking 1 file…</source>
        <translation>正在检查 1 个文件…</translation>
    </message>
    <message>
        <source>Checking {count} files…</source>
        <translation>正在检查 {count} 个文件…</translation>
    </message>
    <message>
        <source>Copying {size}…</source>
        <translation>正在复制 {size}…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Import models</source>
        <translation>导入模型</translation>
    </message>
    <message>
        <source>Copying… {done} of {total}</source>
        <translation>正在复制… {done} / {total}</translation>
    </message>
    <message>
        <source>Import cancelled; nothing was copied.</source>
        <translation>导入已取消；没有复制任何文件。</translation>
    </message>
    <message>
        <source>Imported {names}.</source>
        <translation>已导入 {names}。</translation>
    </message>
</context>
<context>
    <name>ModelInventory</name>
    <message>
        <source>{file} is a vision projector, not a language model; give it a name containing mmproj and put it beside its model.</source>
        <translation>{file} 是视觉投影器，不是语言模型；请将它重命名为包含 mmproj 的名称，并放在对应模型旁边。</translation>
    </message>
    <message>
        <source>Mosaic could not delete {file} ({reason}); check the permissions of {folder}, or delete it yourself.</source>
        <translation>Mosaic 无法删除 {file}（{reason}）；请检查 {folder} 的权限，或手动删除它。</translation>
    </message>
</context>
<context>
    <name>ModelLibraryController</name>
    <message>
        <source>Downloading {name} ({size}); it goes on while you chat.</source>
        <translation>正在下载 {name}（{size}）；对话时也会继续下载。</translation>
    </message>
    <message>
        <source>{name} is ready: hold the mic button to speak.</source>
        <translation>{name} 已就绪：按住麦克风按钮即可说话。</translation>
    </message>
    <message>
        <source>{name} is ready and loading.</source>
        <translation>{name} 已就绪，正在加载。</translation>
    </message>
    <message>
        <source>{name} is ready: choose it in the model bar.</source>
        <translation>{name} 已就绪：请在模型栏中选择它。</translation>
    </message>
    <message>
        <source>{name} ({size}) will be removed from this computer.</source>
        <translation>{name}（{size}）将从这台电脑上移除。</translation>
    </message>
    <message>
        <source>1 conversation uses it; it stays, and another model answers from then on.</source>
        <translation>有 1 个对话使用它；对话会保留，之后由其他模型回答。</translation>
    </message>
    <message>
        <source>{count} conversations use it; they stay, and another model answers from then on.</source>
        <translation>有 {count} 个对话使用它；这些对话会保留，之后由其他模型回答。</translation>
    </message>
    <message>
        <source>It is loaded now and keeps answering until you load another model.</source>
        <translation>它当前已加载，在你加载其他模型之前会继续回答。</translation>
    </message>
    <message>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <source>Delete {name}?</source>
        <translation>删除 {name}？</translation>
    </message>
    <message>
        <source>Also delete its vision projector</source>
        <translation>同时删除它的视觉投影器</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Deleted {name}.</source>
        <translation>已删除 {name}。</translation>
    </message>
    <message>
        <source>{name} is outside the models folder, so Mosaic only stopped listing it.</source>
        <translation>{name} 不在模型文件夹中，因此 Mosaic 只是不再列出它。</translation>
    </message>
    <message>
        <source>Could not open a file manager; the model is in {folder}.</source>
        <translation>无法打开文件管理器；模型位于 {folder}。</translation>
    </message>
    <message>
        <source>Could not save your settings ({reason}); free some disk space and try again.</source>
        <translation>无法保存设置（{reason}）；请释放一些磁盘空间后重试。</translation>
    </message>
</context>
<context>
    <name>ModelPanel</name>
    <message>
        <source>{billions}B parameters</source>
        <translation>{billions}B 参数</translation>
    </message>
    <message>
        <source>{millions}M parameters</source>
        <translation>{millions}M 参数</translation>
    </message>
    <message>
        <source>{count} parameters</source>
        <translation>{count} 参数</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>The model Mosaic answers with; Load loads the one chosen here.</source>
        <translation>Mosaic 用来回答的模型；“加载”会加载这里选中的模型。</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Choose a .gguf model file anywhere on this computer ({shortcut})</source>
        <translation>选择这台电脑上任意位置的 .gguf 模型文件（{shortcut}）</translation>
    </message>
    <message>
        <source>Vision…</source>
        <translation>视觉…</translation>
    </message>
    <message>
        <source>Choose the vision projector (mmproj file) that lets this model see images</source>
        <translation>选择让此模型能识别图片的视觉投影器（mmproj 文件）</translation>
    </message>
    <message>
        <source>Choose vision projector</source>
        <translation>选择视觉投影器</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <source>Load the selected model</source>
        <translation>加载所选模型</translation>
    </message>
    <message>
        <source>Model loaded</source>
        <translation>模型已加载</translation>
    </message>
    <message>
        <source>Loading progress</source>
        <translation>加载进度</translation>
    </message>
    <message>
        <source>Open a GGUF model</source>
        <translation>打开 GGUF 模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose the vision projector (mmproj) for this model</source>
        <translation>为此模型选择视觉投影器（mmproj）</translation>
    </message>
    <message>
        <source>Vision projectors (*mmproj*.gguf);;GGUF files (*.gguf);;All files (*)</source>
        <translation>视觉投影器 (*mmproj*.gguf);;GGUF 文件 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>{model}  · sees images</source>
        <translation>{model}  · 能识图</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>{model} — {detail}</source>
        <extracomment>The active model&apos;s name, then its setup (&quot;4096 ctx · 2 threads · CPU&quot;).</extracomment>
        <translation>{model} — {detail}</translation>
    </message>
    <message>
        <source>Active model: {status}</source>
        <translation>当前模型：{status}</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>No models in {folder}</source>
        <translation>{folder} 中没有模型</translation>
    </message>
    <message>
        <source>No models in the models folder</source>
        <translation>模型文件夹中没有模型</translation>
    </message>
    <message>
        <source>Click Open… to choose a .gguf model file, or put one in the models folder.</source>
        <translation>点击“打开…”选择 .gguf 模型文件，或将模型放入模型文件夹。</translation>
    </message>
    <message>
        <source>{summary}: not a chat model; choose the model file this projector belongs to.</source>
        <translation>{summary}：不是对话模型；请选择此投影器所属的模型文件。</translation>
    </message>
    <message>
        <source>{summary} · {vision}</source>
        <translation>{summary} · {vision}</translation>
    </message>
    <message>
        <source>Reading the model file&apos;s header…</source>
        <translation>正在读取模型文件头…</translation>
    </message>
    <message>
        <source>Has a chat template</source>
        <translation>包含对话模板</translation>
    </message>
    <message>
        <source>No chat template in the file</source>
        <translation>文件中没有对话模板</translation>
    </message>
</context>
<context>
    <name>ModelsWindow</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>&amp;Installed</source>
        <translation>已安装(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Get models</source>
        <translation>获取模型(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Downloads</source>
        <translation>下载(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Downloads ({count})</source>
        <translation>下载（{count}）(&amp;D)</translation>
    </message>
</context>
<context>
    <name>NetworkSettingsGroup</name>
    <message>
        <source>hf-mirror.com (mirror for mainland China)</source>
        <translation>hf-mirror.com（中国大陆镜像）</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Model hub address</source>
        <translation>模型仓库地址</translation>
    </message>
    <message>
        <source>Where catalog models are downloaded from: Hugging Face or a mirror of it that serves the same files.</source>
        <translation>目录中的模型从哪里下载：Hugging Face，或提供相同文件的镜像。</translation>
    </message>
    <message>
        <source>Offline mode: never use the network, not even for downloads</source>
        <translation>离线模式：完全不使用网络，下载也不例外</translation>
    </message>
    <message>
        <source>Mosaic uses the network only to download models you ask for; offline mode turns that off too.</source>
        <translation>Mosaic 只在下载你要求的模型时使用网络；离线模式连这也会关闭。</translation>
    </message>
    <message>
        <source>Nothing else in Mosaic goes online: chats, images and speech stay on this computer.</source>
        <translation>Mosaic 的其他功能都不联网：对话、图片和语音都保留在这台电脑上。</translation>
    </message>
    <message>
        <source>Model &amp;hub:</source>
        <translation>模型仓库(&amp;H)：</translation>
    </message>
    <message>
        <source>Proxy:</source>
        <translation>代理：</translation>
    </message>
    <message>
        <source>A mirror of the Hugging Face hub.</source>
        <translation>Hugging Face 仓库的镜像。</translation>
    </message>
    <message>
        <source>Downloads go through the proxy {proxy} (the system&apos;s proxy setting).</source>
        <translation>下载通过代理 {proxy} 进行（系统的代理设置）。</translation>
    </message>
    <message>
        <source>No proxy is set; downloads connect directly (the system&apos;s proxy setting is used when there is one).</source>
        <translation>未设置代理；下载将直接连接（如果系统设置了代理，则使用系统代理）。</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>Notice</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo the last action</source>
        <translation>撤销上一个操作</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Dismiss notice</source>
        <translation>关闭通知</translation>
    </message>
</context>
<context>
    <name>ProseView</name>
    <message>
        <source>Message text</source>
        <translation>消息文本</translation>
    </message>
</context>
<context>
    <name>PushToTalk</name>
    <message>
        <source>Tab moves between controls; choose a key such as F9.</source>
        <translation>Tab 用于在控件间移动；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>Shift+Tab moves between controls; choose a key such as F9.</source>
        <translation>Shift+Tab 用于在控件间移动；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>Backspace deletes text; choose a key such as F9.</source>
        <translation>Backspace 用于删除文字；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>Delete deletes text; choose a key such as F9.</source>
        <translation>Delete 用于删除文字；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>The arrow keys move the cursor; choose a key such as F9.</source>
        <translation>方向键用于移动光标；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>Home moves the cursor; choose a key such as F9.</source>
        <translation>Home 用于移动光标；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>End moves the cursor; choose a key such as F9.</source>
        <translation>End 用于移动光标；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>{key} copies in text boxes; choose a key such as F9.</source>
        <translation>{key} 在文本框中用于复制；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>{key} pastes in text boxes; choose a key such as F9.</source>
        <translation>{key} 在文本框中用于粘贴；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>{key} cuts in text boxes; choose a key such as F9.</source>
        <translation>{key} 在文本框中用于剪切；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>{key} undoes in text boxes; choose a key such as F9.</source>
        <translation>{key} 在文本框中用于撤销；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>{key} redoes in text boxes; choose a key such as F9.</source>
        <translation>{key} 在文本框中用于重做；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>{key} selects all text in text boxes; choose a key such as F9.</source>
        <translation>{key} 在文本框中用于全选；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>Choose a key to hold while you speak, for example F9.</source>
        <translation>请选择说话时按住的按键，例如 F9。</translation>
    </message>
    <message>
        <source>“{key}” is not a key Mosaic knows; press the key you want instead.</source>
        <translation>Mosaic 不认识“{key}”这个按键；请直接按下你想用的键。</translation>
    </message>
    <message>
        <source>Use one key or one key combination, not a sequence of several.</source>
        <translation>请使用单个按键或一个组合键，而不是多个按键的序列。</translation>
    </message>
    <message>
        <source>{key} alone switches the keyboard layout or input method; choose a key such as F9.</source>
        <translation>单独按 {key} 会切换键盘布局或输入法；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>{key} alone cannot be held to talk; choose a key such as F9.</source>
        <translation>单独的 {key} 无法用来按住说话；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>Space would stop you typing spaces; choose a key such as F9.</source>
        <translation>使用空格键会导致无法输入空格；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>Alt+Space opens the window menu; choose a key such as F9.</source>
        <translation>Alt+Space 用于打开窗口菜单；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>{key} switches input methods (for example to type Chinese); choose a key such as F9.</source>
        <translation>{key} 用于切换输入法（例如输入中文）；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>Esc cancels a recording; choose another key, such as F9.</source>
        <translation>Esc 用于取消录音；请选择其他按键，例如 F9。</translation>
    </message>
    <message>
        <source>Enter sends the message; choose another key, such as F9.</source>
        <translation>Enter 用于发送消息；请选择其他按键，例如 F9。</translation>
    </message>
    <message>
        <source>{key} would stop you typing that character; choose a key such as F9.</source>
        <translation>使用 {key} 会导致无法输入该字符；请选择 F9 之类的按键。</translation>
    </message>
    <message>
        <source>{key} already does “{action}”; choose another key, such as F9.</source>
        <translation>{key} 已用于“{action}”；请选择其他按键，例如 F9。</translation>
    </message>
</context>
<context>
    <name>RecordingBar</name>
    <message>
        <source>Listening… release to send · Esc to cancel</source>
        <translation>正在聆听…松开即发送 · Esc 取消</translation>
    </message>
    <message>
        <source>Listening… release to stop · Esc to cancel</source>
        <translation>正在聆听…松开即停止 · Esc 取消</translation>
    </message>
    <message>
        <source>Transcribing…</source>
        <translation>正在转写…</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>录音</translation>
    </message>
    <message>
        <source>Time recorded</source>
        <translation>已录制时长</translation>
    </message>
    <message>
        <source>Transcribing</source>
        <translation>正在转写</translation>
    </message>
    <message>
        <source>Transcribing… {percent}%</source>
        <translation>正在转写… {percent}%</translation>
    </message>
</context>
<context>
    <name>RelativeTime</name>
    <message>
        <source>Jan</source>
        <extracomment>The short name of a month, as in &quot;12 Jan&quot;.</extracomment>
        <translation>1月</translation>
    </message>
    <message>
        <source>Feb</source>
        <translation>2月</translation>
    </message>
    <message>
        <source>Mar</source>
        <translation>3月</translation>
    </message>
    <message>
        <source>Apr</source>
        <translation>4月</translation>
    </message>
    <message>
        <source>May</source>
        <extracomment>The short name of the month May, as in &quot;12 May&quot;.</extracomment>
        <translation>5月</translation>
    </message>
    <message>
        <source>Jun</source>
        <translation>6月</translation>
    </message>
    <message>
        <source>Jul</source>
        <translation>7月</translation>
    </message>
    <message>
        <source>Aug</source>
        <translation>8月</translation>
    </message>
    <message>
        <source>Sep</source>
        <translation>9月</translation>
    </message>
    <message>
        <source>Oct</source>
        <translation>10月</translation>
    </message>
    <message>
        <source>Nov</source>
        <translation>11月</translation>
    </message>
    <message>
        <source>Dec</source>
        <translation>12月</translation>
    </message>
    <message>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>{minutes} min ago</source>
        <extracomment>How long ago a chat changed, in minutes (1 to 59).</extracomment>
        <translation>{minutes} 分钟前</translation>
    </message>
    <message>
        <source>{hours} h ago</source>
        <extracomment>How long ago a chat changed today, in hours.</extracomment>
        <translation>{hours} 小时前</translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <source>{day} {month}</source>
        <extracomment>A date this year: {day} is the day of the month, {month} its short name (&quot;Jan&quot;).</extracomment>
        <translation>{month}{day}日</translation>
    </message>
    <message>
        <source>{day} {month} {year}</source>
        <extracomment>A date in another year, e.g. &quot;24 Dec 2023&quot;; {month} is the month&apos;s short name.</extracomment>
        <translation>{year}年{month}{day}日</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Higher is more varied, lower more focused; 0 always picks the most likely word.</source>
        <translation>越高越多样，越低越集中；为 0 时总是选择可能性最大的词。</translation>
    </message>
    <message>
        <source>Sample only from the most likely words whose chances add up to this much (1 = off).</source>
        <translation>只从累计概率达到此值的最可能的词中采样（1 = 关闭）。</translation>
    </message>
    <message>
        <source>Sample only from this many most likely words.</source>
        <translation>只从这么多个最可能的词中采样。</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Skip words less likely than this fraction of the most likely one (0 = off).</source>
        <translation>跳过可能性低于最可能的词的这一比例的词（0 = 关闭）。</translation>
    </message>
    <message>
        <source>Discourage repeating recent words (1 = off).</source>
        <translation>抑制重复最近出现的词（1 = 关闭）。</translation>
    </message>
    <message>
        <source>The longest answer, in tokens.</source>
        <translation>回答的最大长度，以 token 计。</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>A new random seed for every answer</source>
        <translation>每次回答使用新的随机种子</translation>
    </message>
    <message>
        <source>A fixed seed makes answers repeatable.</source>
        <translation>固定的种子能让回答可以复现。</translation>
    </message>
    <message>
        <source>Seed number</source>
        <translation>种子数值</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>&amp;Temperature:</source>
        <translation>温度(&amp;T)：</translation>
    </message>
    <message>
        <source>Top-&amp;p:</source>
        <translation>Top-&amp;p：</translation>
    </message>
    <message>
        <source>Top-&amp;k:</source>
        <translation>Top-&amp;k：</translation>
    </message>
    <message>
        <source>&amp;Min-p:</source>
        <translation>&amp;Min-p：</translation>
    </message>
    <message>
        <source>&amp;Repeat penalty:</source>
        <translation>重复惩罚(&amp;R)：</translation>
    </message>
    <message>
        <source>Ma&amp;x tokens:</source>
        <translation>最大 token 数(&amp;X)：</translation>
    </message>
    <message>
        <source>&amp;Seed:</source>
        <translation>种子(&amp;S)：</translation>
    </message>
    <message>
        <source>How many tokens of the conversation the model can see at once; more needs more memory.</source>
        <translation>模型一次能看到的对话 token 数；越多需要的内存越多。</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> token</translation>
    </message>
    <message>
        <source>CPU threads used to run the model.</source>
        <translation>运行模型所用的 CPU 线程数。</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message numerus="yes">
        <source>default: %n physical core(s)</source>
        <translation>
            <numerusform>默认：%n 个物理核心</numerusform>
        </translation>
    </message>
    <message>
        <source>All (when a GPU is available)</source>
        <translation>全部（有 GPU 时）</translation>
    </message>
    <message>
        <source>None (CPU only)</source>
        <translation>无（仅 CPU）</translation>
    </message>
    <message>
        <source>This many layers:</source>
        <translation>指定层数：</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <source>How many of the model&apos;s layers run on the GPU.</source>
        <translation>模型有多少层在 GPU 上运行。</translation>
    </message>
    <message>
        <source>Layers to run on the GPU; the rest run on the CPU.</source>
        <translation>在 GPU 上运行的层数；其余层在 CPU 上运行。</translation>
    </message>
    <message>
        <source>Number of GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <source>Model loading</source>
        <translation>模型加载</translation>
    </message>
    <message>
        <source>&amp;Context size:</source>
        <translation>上下文大小(&amp;C)：</translation>
    </message>
    <message>
        <source>CPU t&amp;hreads:</source>
        <translation>CPU 线程数(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;GPU layers:</source>
        <translation>GPU 层数(&amp;G)：</translation>
    </message>
    <message>
        <source>These take effect the next time a model is loaded.</source>
        <translation>这些设置在下次加载模型时生效。</translation>
    </message>
    <message>
        <source>Default system prompt</source>
        <translation>默认系统提示词</translation>
    </message>
    <message>
        <source>For example: You are a concise, friendly assistant.</source>
        <translation>例如：你是一个简洁、友好的助手。</translation>
    </message>
    <message>
        <source>&amp;Default system prompt for new chats:</source>
        <translation>新对话的默认系统提示词(&amp;D)：</translation>
    </message>
    <message>
        <source>New chats</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>&amp;Answers</source>
        <translation>回答(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Models</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>S&amp;peech</source>
        <translation>语音(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Network</source>
        <translation>网络(&amp;N)</translation>
    </message>
    <message>
        <source>App&amp;earance</source>
        <translation>外观(&amp;E)</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Speech</source>
        <translation>语音</translation>
    </message>
    <message>
        <source>Chat list</source>
        <translation>对话列表</translation>
    </message>
    <message>
        <source>Image viewer</source>
        <translation>图片查看器</translation>
    </message>
    <message>
        <source>Models window</source>
        <translation>模型窗口</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <source>Start a new line</source>
        <translation>换行</translation>
    </message>
    <message>
        <source>Stop the answer</source>
        <translation>停止回答</translation>
    </message>
    <message>
        <source>Paste images or files as attachments</source>
        <translation>将图片或文件粘贴为附件</translation>
    </message>
    <message>
        <source>Talk: hold while you speak</source>
        <translation>说话：说话时按住</translation>
    </message>
    <message>
        <source>Talk with the microphone button focused: hold</source>
        <translation>在麦克风按钮获得焦点时说话：按住</translation>
    </message>
    <message>
        <source>Cancel the recording</source>
        <translation>取消录音</translation>
    </message>
    <message>
        <source>Rename the selected chat</source>
        <translation>重命名所选对话</translation>
    </message>
    <message>
        <source>Delete the selected chat</source>
        <translation>删除所选对话</translation>
    </message>
    <message>
        <source>From the search box to the list</source>
        <translation>从搜索框移到列表</translation>
    </message>
    <message>
        <source>{down} or {enter}</source>
        <translation>{down} 或 {enter}</translation>
    </message>
    <message>
        <source>Clear the search</source>
        <translation>清除搜索</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation>实际大小</translation>
    </message>
    <message>
        <source>Fit to the window</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Delete the selected model</source>
        <translation>删除所选模型</translation>
    </message>
    <message>
        <source>Close the window</source>
        <translation>关闭窗口</translation>
    </message>
    <message>
        <source>Next or previous control</source>
        <translation>下一个或上一个控件</translation>
    </message>
    <message>
        <source>{tab} or {backtab}</source>
        <translation>{tab} 或 {backtab}</translation>
    </message>
    <message>
        <source>Open a menu</source>
        <translation>打开菜单</translation>
    </message>
    <message>
        <source>{alt} and the underlined letter</source>
        <translation>{alt} 加带下划线的字母</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Search shortcuts</source>
        <translation>搜索快捷键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>{action}: {keys}</source>
        <translation>{action}：{keys}</translation>
    </message>
    <message>
        <source>No shortcut matches “{text}”.</source>
        <translation>没有与“{text}”匹配的快捷键。</translation>
    </message>
</context>
<context>
    <name>SingleInstance</name>
    <message>
        <source>{app} is already running but did not answer within {seconds} s; wait a moment and start it again, or end the other {app} process.</source>
        <translation>{app} 已在运行，但在 {seconds} 秒内没有响应；请稍等片刻再启动，或结束另一个 {app} 进程。</translation>
    </message>
    <message>
        <source>{app} is already running; its window was brought to the front.</source>
        <translation>{app} 已在运行；已将它的窗口切换到前台。</translation>
    </message>
</context>
<context>
    <name>SpeechController</name>
    <message>
        <source>I didn&apos;t hear anything; hold the key (or the mic button) while you speak.</source>
        <translation>没有听到声音；说话时请按住按键（或麦克风按钮）。</translation>
    </message>
    <message>
        <source>Hold the key (or the mic button) while you speak, and release it when you are done.</source>
        <translation>说话时按住按键（或麦克风按钮），说完松开。</translation>
    </message>
    <message>
        <source>Mosaic is still transcribing; wait a moment or press Esc.</source>
        <translation>Mosaic 仍在转写；请稍候，或按 Esc。</translation>
    </message>
    <message>
        <source>Mosaic is still busy with a recording; try again when it is done.</source>
        <translation>Mosaic 仍在处理一段录音；完成后请再试。</translation>
    </message>
    <message>
        <source>Mosaic transcribes one recording at a time; drop the others when this one is done.</source>
        <translation>Mosaic 一次只转写一段录音；这段完成后再拖放其他录音。</translation>
    </message>
    <message>
        <source>{file} has no speech Mosaic could hear.</source>
        <translation>{file} 中没有 Mosaic 能听到的语音。</translation>
    </message>
    <message>
        <source>Transcript of {file} ({duration}):</source>
        <translation>{file} 的转写文本（{duration}）：</translation>
    </message>
    <message>
        <source>Speak: the bar shows what the microphone hears.</source>
        <translation>请说话：音量条显示麦克风听到的声音。</translation>
    </message>
</context>
<context>
    <name>SpeechModelFile</name>
    <message>
        <source>{name} · {count} parameters · multilingual</source>
        <translation>{name} · {count} 参数 · 多语言</translation>
    </message>
    <message>
        <source>{name} · {count} parameters · English only</source>
        <translation>{name} · {count} 参数 · 仅英语</translation>
    </message>
</context>
<context>
    <name>SpeechSettingsGroup</name>
    <message>
        <source>Detect automatically</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>Speech</source>
        <translation>语音</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <source>The microphone that push-to-talk records from.</source>
        <translation>按键说话时录音所用的麦克风。</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>T&amp;est</source>
        <translation>测试(&amp;E)</translation>
    </message>
    <message>
        <source>Test the microphone</source>
        <translation>测试麦克风</translation>
    </message>
    <message>
        <source>Say something: the meter shows whether the microphone hears you.</source>
        <translation>说点什么：音量条会显示麦克风是否听到了你的声音。</translation>
    </message>
    <message>
        <source>Test level</source>
        <translation>测试音量</translation>
    </message>
    <message>
        <source>How loud the microphone hears you during a test</source>
        <translation>测试时麦克风听到的音量</translation>
    </message>
    <message>
        <source>Whisper model</source>
        <translation>Whisper 模型</translation>
    </message>
    <message>
        <source>The speech recognition model: larger ones are more accurate and slower; “.en” ones understand English only.</source>
        <translation>语音识别模型：越大越准确，也越慢；带“.en”的只能识别英语。</translation>
    </message>
    <message>
        <source>Spoken language</source>
        <translation>说话语言</translation>
    </message>
    <message>
        <source>&amp;Use the GPU when there is one</source>
        <translation>有 GPU 时使用 GPU(&amp;U)</translation>
    </message>
    <message>
        <source>Transcribe on the graphics card when one is available; otherwise the CPU is used.</source>
        <translation>有显卡时用显卡转写，否则使用 CPU。</translation>
    </message>
    <message>
        <source>Send the transcript at &amp;once</source>
        <translation>立即发送转写文本(&amp;O)</translation>
    </message>
    <message>
        <source>Off: the words go into the message box for you to check and send.</source>
        <translation>关闭时：文字会放入消息框，由你检查后发送。</translation>
    </message>
    <message>
        <source>Push-to-talk key</source>
        <translation>按键说话的按键</translation>
    </message>
    <message>
        <source>Click, then press the key (or key combination) to hold while you speak.</source>
        <translation>点击此处，然后按下说话时要按住的按键（或组合键）。</translation>
    </message>
    <message>
        <source>M&amp;icrophone:</source>
        <translation>麦克风(&amp;I)：</translation>
    </message>
    <message>
        <source>&amp;Whisper model:</source>
        <translation>&amp;Whisper 模型：</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>Push-to-talk ke&amp;y:</source>
        <translation>按键说话的按键(&amp;Y)：</translation>
    </message>
    <message>
        <source>System default ({device})</source>
        <translation>系统默认（{device}）</translation>
    </message>
    <message>
        <source>{model} (not downloaded)</source>
        <translation>{model}（未下载）</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <source>{device} (not connected)</source>
        <translation>{device}（未连接）</translation>
    </message>
    <message>
        <source>{problem} The key stays {key}.</source>
        <translation>{problem} 按键仍为 {key}。</translation>
    </message>
    <message>
        <source>{model} understands English only.</source>
        <translation>{model} 只能识别英语。</translation>
    </message>
</context>
<context>
    <name>SystemPromptDialog</name>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Instructions the model reads before every message in “{title}”. Leave it empty for none.</source>
        <translation>模型在“{title}”中每条消息之前读取的指令。留空表示不使用。</translation>
    </message>
    <message>
        <source>Instructions the model reads before every message in “this chat”. Leave it empty for none.</source>
        <translation>模型在“此对话”中每条消息之前读取的指令。留空表示不使用。</translation>
    </message>
    <message>
        <source>For example: Answer in short bullet points.</source>
        <translation>例如：用简短的要点回答。</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>{app} is still running in the tray; Quit from its menu ends it.</source>
        <translation>{app} 仍在托盘中运行；从它的菜单中选择“退出”即可结束。</translation>
    </message>
    <message>
        <source>Quit {app}</source>
        <translation>退出 {app}</translation>
    </message>
    <message>
        <source>Hide {app}</source>
        <translation>隐藏 {app}</translation>
    </message>
    <message>
        <source>Show {app}</source>
        <translation>显示 {app}</translation>
    </message>
</context>
<context>
    <name>Vision</name>
    <message>
        <source>{file} is a language model, not a vision projector; choose the mmproj file published with {model}.</source>
        <translation>{file} 是语言模型，不是视觉投影器；请选择随 {model} 一同发布的 mmproj 文件。</translation>
    </message>
    <message>
        <source>{file} is an audio projector, not a vision one; choose the vision mmproj file published with {model}.</source>
        <translation>{file} 是音频投影器，不是视觉投影器；请选择随 {model} 一同发布的视觉 mmproj 文件。</translation>
    </message>
    <message>
        <source>{file} is damaged ({reason}), so llama.cpp cannot use it; download the mmproj file of {model} again.</source>
        <translation>{file} 已损坏（{reason}），llama.cpp 无法使用；请重新下载 {model} 的 mmproj 文件。</translation>
    </message>
    <message>
        <source>{file} does not belong to {model}: it makes {width}-wide image embeddings but the model reads {expected}-wide ones; choose the mmproj file published with this model.</source>
        <translation>{file} 不属于 {model}：它生成 {width} 维的图像嵌入，而该模型读取的是 {expected} 维的；请选择随此模型一同发布的 mmproj 文件。</translation>
    </message>
    <message>
        <source>sees images ({family}, {file})</source>
        <translation>能识图（{family}，{file}）</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Welcome to Mosaic</source>
        <translation>欢迎使用 Mosaic</translation>
    </message>
    <message>
        <source>Mosaic runs models on this computer. Nothing you type, show or say leaves it.</source>
        <translation>Mosaic 在这台电脑上运行模型。你输入、展示或说出的任何内容都不会离开它。</translation>
    </message>
    <message>
        <source>None of the recommended models fits this machine. Import a model file you already have, or browse all models to choose one anyway.</source>
        <translation>推荐的模型都不适合这台电脑。请导入你已有的模型文件，或浏览所有模型自行选择。</translation>
    </message>
    <message>
        <source>No chat model in the catalog fits this machine well; browse all models to choose one anyway.</source>
        <translation>目录中没有很适合这台电脑的对话模型；请浏览所有模型自行选择。</translation>
    </message>
    <message>
        <source>No speech model fits this machine well; you can still chat by typing, or browse all models.</source>
        <translation>没有很适合这台电脑的语音模型；你仍可以打字对话，或浏览所有模型。</translation>
    </message>
    <message>
        <source>For chat and questions about images</source>
        <translation>用于对话和图片问答</translation>
    </message>
    <message>
        <source>For speech (push-to-talk)</source>
        <translation>用于语音（按键说话）</translation>
    </message>
    <message>
        <source>Import a model file…</source>
        <translation>导入模型文件…</translation>
    </message>
    <message>
        <source>Use a .gguf model or a Whisper .pt checkpoint you already have</source>
        <translation>使用你已有的 .gguf 模型或 Whisper .pt 检查点</translation>
    </message>
    <message>
        <source>Browse all models</source>
        <translation>浏览所有模型</translation>
    </message>
    <message>
        <source>Open the catalog of every model Mosaic knows</source>
        <translation>打开 Mosaic 知道的所有模型的目录</translation>
    </message>
    <message>
        <source>Download both ({size})</source>
        <translation>两个都下载（{size}）</translation>
    </message>
    <message>
        <source>Download {first} and {second} ({size})</source>
        <translation>下载 {first} 和 {second}（{size}）</translation>
    </message>
    <message>
        <source>Download {name} ({size})</source>
        <translation>下载 {name}（{size}）</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
</context>
<context>
    <name>folders</name>
    <message>
        <source>Could not create the folder {folder} ({reason}).</source>
        <translation>无法创建文件夹 {folder}（{reason}）。</translation>
    </message>
    <message>
        <source>The folder {folder} does not exist any more.</source>
        <translation>文件夹 {folder} 已不存在。</translation>
    </message>
    <message>
        <source>Could not open a file manager; the folder is {folder}.</source>
        <translation>无法打开文件管理器；文件夹位于 {folder}。</translation>
    </message>
</context>
</TS>
