# shellcheck shell=bash
# apt_mirror: the Debian mirror apt uses on this machine (deb822 .sources or one-line sources.list), the only
# source the locally built images come from. The caller defines die().
apt_mirror() {
  local m
  m=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v -- '-security' | head -1)
  [[ -n $m ]] || m=$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v -- '-security' | head -1)
  [[ -n $m ]] || die "no Debian mirror found in /etc/apt/sources.list(.d)"
  echo "$m"
}
