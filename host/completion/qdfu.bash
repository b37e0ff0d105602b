# SPDX-License-Identifier: MIT
# bash completion for qdfu. `make install` and the .deb install it as
# share/bash-completion/completions/qdfu (or source it from ~/.bashrc).

_qdfu_serials()
{
    qdfu list --json 2>/dev/null | tr ',' '\n' | sed -n 's/^.*"serial":"\([^"]*\)".*/\1/p'
}

_qdfu_paths()
{
    qdfu list --json 2>/dev/null | tr ',' '\n' | sed -n 's/^.*"path":"\([^"]*\)".*/\1/p'
}

_qdfu()
{
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    local commands="list flash verify read erase reset info pack web help"
    local common="--device --serial --path --json --quiet --verbose --help"

    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    case $prev in
    -s|--serial) COMPREPLY=($(compgen -W "$(_qdfu_serials)" -- "$cur")); return ;;
    -p|--path) COMPREPLY=($(compgen -W "$(_qdfu_paths)" -- "$cur")); return ;;
    -d|--device) COMPREPLY=($(compgen -W "0483:df11" -- "$cur")); return ;;
    -o|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --verify) COMPREPLY=($(compgen -W "crc read" -- "$cur")); return ;;
    --layout|-w|--wait|--count|--port) return ;;
    --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    esac

    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    case $cmd in
    flash|verify)
        if [[ $cur == -* ]]; then
            if [[ $cmd == flash ]]; then
                COMPREPLY=($(compgen -W "$common --wait --json-progress --all --no-verify --no-reset --no-skip --force --verify --production --count" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$common --wait --json-progress --all --verify" -- "$cur"))
            fi
        else
            COMPREPLY=($(compgen -f -X '!*.@(hex|ihex|ihx|srec|s19|s28|s37|mot|elf|axf|out|dfu|bin)' -- "$cur")
                       $(compgen -d -- "$cur"))
        fi ;;
    info|pack)
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$common --layout --output" -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi ;;
    read) COMPREPLY=($(compgen -W "$common --wait --json-progress --output" -- "$cur")) ;;
    erase) COMPREPLY=($(compgen -W "$common --wait --json-progress --all" -- "$cur")) ;;
    reset) COMPREPLY=($(compgen -W "$common --wait --all" -- "$cur")) ;;
    list) COMPREPLY=($(compgen -W "$common --wait" -- "$cur")) ;;
    web) COMPREPLY=($(compgen -W "--port --root --quiet --help" -- "$cur")) ;;
    help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
    esac
}
complete -F _qdfu qdfu
