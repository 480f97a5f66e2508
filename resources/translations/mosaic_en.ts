<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>SettingsDialog</name>
    <message numerus="yes">
        <source>default: %n physical core(s)</source>
        <translation>
            <numerusform>default: %n physical core</numerusform>
            <numerusform>default: %n physical cores</numerusform>
        </translation>
    </message>
</context>
</TS>
